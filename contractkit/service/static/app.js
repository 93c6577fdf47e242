// contractkit review service: progressive enhancement of the server-rendered pages.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  localTimes();
  confirmForms();
  backLinks();
  uploadForm();
  pollReview();
  pollDocument();
  findingFilters();
  copyButtons();
  evidenceLinks();
});

function localTimes() {
  for (const el of document.querySelectorAll("time[data-local]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) el.textContent = when.toLocaleString("zh-CN", { hour12: false });
  }
}

// The error page's 返回上一页 (a script of this file: the pages allow no inline script, no javascript: links).
function backLinks() {
  for (const link of document.querySelectorAll("a.history-back")) {
    link.addEventListener("click", (event) => {
      if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
    });
  }
}

function confirmForms(root = document) {
  for (const form of root.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

// ------------------------------------------------------------------ uploading
function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function uploadForm() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const zone = document.getElementById("dropzone");
  const fileInput = document.getElementById("file-input");
  const folderInput = document.getElementById("folder-input");
  const list = document.getElementById("chosen");
  const status = document.getElementById("upload-status");
  const bar = document.getElementById("upload-progress");
  const button = document.getElementById("upload-button");
  const uploader = document.getElementById("uploader");  // absent when a signed-in user is the uploader
  const maxBytes = Number(form.dataset.maxBytes) || Infinity;
  const maxMb = form.dataset.maxMb;
  let chosen = [];  // [{file, name}]

  if (uploader) uploader.value = localStorage.getItem("contractkit.uploader") || "";
  const totalBytes = () => chosen.reduce((sum, { file }) => sum + file.size, 0);
  // Too large for the service: said before anything is sent (the service refuses it too).
  const tooLarge = () => totalBytes() > maxBytes;
  const show = (message) => {
    list.replaceChildren(...chosen.map(({ file, name }, index) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.className = "file-name";
      label.textContent = name;
      const size = document.createElement("span");
      size.className = "muted";
      size.textContent = formatSize(file.size);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "small remove";
      remove.textContent = "移除";
      remove.setAttribute("aria-label", `移除 ${name}`);
      remove.addEventListener("click", () => { chosen.splice(index, 1); show(); });
      li.append(label, size, remove);
      return li;
    }));
    status.className = "";
    if (tooLarge()) {
      status.textContent = `所选文件合计 ${formatSize(totalBytes())}，超过单次上传 ${maxMb} MB 的上限：请移除部分文件，分批上传`;
      status.className = "field-error";
    } else if (message) {
      status.textContent = message;
    } else {
      status.textContent = chosen.length ? `已选择 ${chosen.length} 个文件，共 ${formatSize(totalBytes())}` : "";
    }
    button.disabled = tooLarge();
  };
  // A file picked twice (the same name, size and date) is added once.
  const add = (items) => {
    const key = ({ file, name }) => `${name}\u0000${file.size}\u0000${file.lastModified}`;
    const known = new Set(chosen.map(key));
    let repeated = 0;
    for (const item of items) {
      if (known.has(key(item))) { repeated += 1; continue; }
      known.add(key(item));
      chosen.push(item);
    }
    show(repeated ? `已选择 ${chosen.length} 个文件（${repeated} 个重复选择的文件只算一次）` : "");
  };

  fileInput.addEventListener("change", () => {
    add([...fileInput.files].map((f) => ({ file: f, name: f.name })));
    fileInput.value = "";  // the same file can be picked again after it was removed
  });
  folderInput.addEventListener("change", () => {
    add([...folderInput.files].map((f) => ({ file: f, name: f.webkitRelativePath || f.name })));
    folderInput.value = "";
  });
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") fileInput.click(); });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add("over"); });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (entries.length) {
      const files = [];
      for (const entry of entries) await walk(entry, "", files);
      add(files);
    } else {
      add([...e.dataTransfer.files].map((f) => ({ file: f, name: f.name })));
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!chosen.length) { status.textContent = "请先选择或拖入合同文件"; return; }
    if (tooLarge()) { show(); return; }
    if (uploader) localStorage.setItem("contractkit.uploader", uploader.value);
    const data = new FormData();
    for (const { file, name } of chosen) data.append("files", file, name);
    if (uploader) data.append("uploader", uploader.value);
    for (const box of form.querySelectorAll("input[name=options]:checked")) data.append("options", box.value);
    for (const name of ["as_names", "as_role", "title", "playbook"]) {
      const field = form.elements.namedItem(name);
      if (field) data.append(name, field.value);
    }
    const playbookFile = form.elements.namedItem("playbook_file");
    if (playbookFile && playbookFile.files.length) data.append("playbook_file", playbookFile.files[0]);
    showFieldErrors(form, []);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/reviews");
    xhr.responseType = "json";
    bar.hidden = false;
    button.disabled = true;
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = `正在上传 ${bar.value}%`;
      }
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 201 && xhr.response) {
        status.textContent = "上传完成，正在检查…";
        window.location.href = `/reviews/${xhr.response.id}`;
      } else {
        const problem = xhr.response && xhr.response.error ? xhr.response.error.message : `上传失败（${xhr.status}）`;
        if (xhr.response && xhr.response.error) showFieldErrors(form, xhr.response.error.fields || []);
        status.textContent = problem;
        status.className = "field-error";
        button.disabled = false;
      }
    });
    xhr.addEventListener("error", () => {
      status.textContent = "上传失败：无法连接到服务";
      button.disabled = false;
    });
    status.className = "";
    xhr.send(data);
  });
}

// A message next to each field the service names ([{field, message}]); none clears them.
function showFieldErrors(form, fields) {
  for (const label of form.querySelectorAll("[data-field]")) {
    const problem = fields.find((f) => f.field === label.dataset.field);
    label.classList.toggle("invalid", Boolean(problem));
    const slot = label.querySelector("[data-error-for]");
    if (slot) slot.textContent = problem ? problem.message : "";
  }
}

function walk(entry, prefix, out) {
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file((file) => { out.push({ file, name: prefix + file.name }); resolve(); }, () => resolve());
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      const all = [];
      const next = () => reader.readEntries(async (batch) => {
        if (!batch.length) {
          for (const child of all) await walk(child, `${prefix}${entry.name}/`, out);
          resolve();
        } else { all.push(...batch); next(); }
      }, () => resolve());
      next();
    } else resolve();
  });
}

// ------------------------------------------------------------------ progress
// The review's rows, each as soon as its file is checked: the server renders them (/reviews/<id>/live),
// the page puts them in place; when all are done, the page is loaded again (its download note goes).
function pollReview() {
  const section = document.getElementById("review");
  const rows = document.getElementById("review-rows");
  if (!section || !rows || section.dataset.finished === "true") return;
  let shown = "";
  const tick = async () => {
    try {
      const response = await fetch(rows.dataset.live, { headers: { Accept: "text/html" } });
      if (response.ok) {
        const html = await response.text();
        if (html !== shown) {
          shown = html;
          const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("review-live");
          if (fresh) {
            document.getElementById("review-live").replaceWith(document.adoptNode(fresh));
            localTimes();
            if (fresh.dataset.finished === "true") { window.location.reload(); return; }
          }
        }
      }
    } catch (err) { /* the service restarting: try again */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 500);
}

function pollDocument() {
  const section = document.getElementById("document");
  if (!section || section.dataset.status !== "queued") return;
  const tick = async () => {
    try {
      const response = await fetch(`/api/documents/${section.dataset.document}`, { headers: { Accept: "application/json" } });
      if (response.ok && (await response.json()).status !== "queued") { window.location.reload(); return; }
    } catch (err) { /* try again */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 500);
}

// ------------------------------------------------------------------ findings
function findingFilters() {
  const boxes = [...document.querySelectorAll(".status-filter")];
  const clause = document.getElementById("clause-filter");
  const count = document.getElementById("finding-count");
  if (!boxes.length) return;
  const apply = () => {
    const statuses = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
    let shown = 0;
    const findings = document.querySelectorAll(".finding");
    for (const f of findings) {
      // A finding may cite several clauses (8.2.4 a) 5); 8.2.4 b)): it belongs to each of them.
      const clauses = (f.dataset.clauses || f.dataset.clause).split("|");
      const visible = statuses.has(f.dataset.status) && (!clause.value || clauses.includes(clause.value));
      f.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `显示 ${shown} / ${findings.length} 项`;
  };
  for (const b of boxes) b.addEventListener("change", apply);
  clause.addEventListener("change", apply);
  apply();
}

function copyButtons() {
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent;
      try {
        await navigator.clipboard.writeText(text);
      } catch (err) {  // no clipboard API (plain http on another host): select and copy
        const area = document.createElement("textarea");
        area.value = text;
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      button.textContent = "已复制";
      setTimeout(() => { button.textContent = "复制"; }, 1500);
    });
  }
}

function flash(el) {
  el.classList.add("flash");
  setTimeout(() => el.classList.remove("flash"), 1600);
}

function evidenceLinks() {
  for (const link of document.querySelectorAll("a.jump")) {
    link.addEventListener("click", (event) => {
      const marks = [...document.querySelectorAll("mark[data-findings]")]
        .filter((m) => m.dataset.findings.split(" ").includes(link.dataset.finding));
      if (!marks.length) return;
      event.preventDefault();
      const index = [...link.parentElement.parentElement.children].indexOf(link.parentElement);
      const mark = marks[Math.min(index, marks.length - 1)];
      mark.scrollIntoView({ behavior: "smooth", block: "center" });
      flash(mark);
    });
  }
  for (const mark of document.querySelectorAll("mark[data-findings]")) {
    mark.addEventListener("click", () => {
      const card = document.getElementById(`f-${mark.dataset.findings.split(" ")[0]}`);
      if (!card) return;
      card.hidden = false;
      card.scrollIntoView({ behavior: "smooth", block: "start" });
      flash(card);
    });
  }
}
