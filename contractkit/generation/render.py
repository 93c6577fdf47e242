"""Render the catalogue's templates into a format-neutral Document."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from jinja2 import meta

from contractkit import __version__, resources
from contractkit.catalogue import Catalogue, Pair, Requirement
from contractkit.generation.document import Article, Document, Inline, Item, Metadata, Party, Schedule
from contractkit.generation.frame import MATRIX_SCHEDULE, SECURITY_SLOT, load_frame
from contractkit.generation.layout import PARTY_LABELS, LayoutError, frame_context, lay_out
from contractkit.generation.matrix import build_matrix
from contractkit.generation.parameters import Blank
from contractkit.generation.schedules import parse_blocks
from contractkit.generation.settings import GenerationSettings
from contractkit.generation.writers.numbering import chinese_number
from contractkit.standard import Standard, default_standard

# Names the renderer itself puts in every template's context (besides parameters); see clause_templates/README.md.
CONTEXT_NAMES = frozenset({
    "provider", "partner", "customer", "partner_role", "roles", "options", "is_annex", "this", "platform",
    "ref", "schedule", "schedule_word", "schedule_list", "customer_side", "buyer", "supplier", "delivers",
    "serves", "plan", "period", "report_period", "parties",
})


class GenerationError(ValueError):
    """A request the generator cannot fulfil (unknown pair, role or option, bad combination)."""


class TemplateRenderError(GenerationError):
    def __init__(self, template: str, problem: str):
        self.template = template
        super().__init__(f"template {template}: {problem}")


@cache
def template_environment(templates_dir: Path) -> jinja2.Environment:
    """The Jinja environment of one standard's templates folder (one per folder, cached)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,  # plain text; each writer escapes for its own format
    )
    env.filters.update(cn=_chinese, date_cn=_date_chinese)
    return env


def _chinese(value):
    """2 -> 二 (for 一式四份); a blank stays a blank."""
    return chinese_number(value) if isinstance(value, int) else value


def _date_chinese(value):
    """2025-03-01 -> 2025年3月1日; a blank stays a blank."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        year, month, day = value.split("-")
        return f"{year}年{int(month)}月{int(day)}日"
    return value


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (keyed by source, so an edited template recompiles):
    compiling the clause templates is a tenth of a second of every `generate`."""
    try:
        folder = resources.cache_dir() / "templates"
        folder.mkdir(exist_ok=True)
    except OSError:
        return None  # no writable cache: compile every time
    return jinja2.FileSystemBytecodeCache(str(folder))


def template_variables(name: str, env: jinja2.Environment | None = None) -> set[str]:
    """Names a template reads from its context (found statically)."""
    env = env or template_environment(default_standard().templates_dir)
    if env.loader is None:  # template_environment always gives one
        raise ValueError("the template environment has no loader")
    source = env.loader.get_source(env, name)[0]
    return meta.find_undeclared_variables(env.parse(source))


def resolve_pairs(settings: GenerationSettings, catalogue: Catalogue) -> list[Pair]:
    """The pair asked for plus one provider–role pair per extra partner role."""
    first = catalogue.pair(settings.pair)
    pairs = [first]
    for role_id in settings.extra_roles:
        role = catalogue.role(role_id)
        if first.partner_role == "customer":
            raise GenerationError(
                f"extra role {role_id!r} only applies to provider–partner pairs, not {first.id!r}"
            )
        if role.kind != "partner":
            raise GenerationError(
                f"role {role_id!r} is not a partner role; choose from "
                + ", ".join(r.id for r in catalogue.roles if r.kind == "partner")
            )
        if role_id != first.partner_role:
            provider = next(r for r in first.roles if catalogue.role(r).kind == "provider")
            pairs.append(catalogue.pair_of(provider, role_id))
    for option in settings.options:
        catalogue.condition(option)  # unknown options fail with the list of known ones
    return pairs


def build_document(settings: GenerationSettings, standard: Standard | None = None) -> Document:
    standard = standard or default_standard()
    catalogue, parameters = standard.catalogue, standard.parameters
    pairs = resolve_pairs(settings, catalogue)
    given = dict(settings.parameters)
    if settings.playbook is not None:  # the playbook's preferred values, below anything set
        from contractkit.generation.playbook import parameter_defaults

        given = {**parameter_defaults(settings.playbook, [p.id for p in pairs], parameters), **given}
    values = parameters.resolve(given)
    labels = {spec.name: spec.blank() for spec in parameters}
    requirements = catalogue.select({p.id for p in pairs}, set(settings.options))
    frame = load_frame(standard.templates_dir)
    try:
        layout = lay_out(frame, catalogue, pairs, requirements, settings.kind, settings.options, values)
    except LayoutError as exc:
        raise GenerationError(str(exc)) from None
    context = template_context(pairs, settings.options, settings.kind, values, layout.labels, standard)
    context.update(frame_context(layout, frame, settings.kind, values), platform="本平台")
    env = template_environment(standard.templates_dir)

    def items(template: str, requirement_id: str | None = None) -> tuple[Item, ...]:
        return tuple(_parse_items(_render(env, template, context), labels, requirement_id))

    by_article: dict[str, list[Item]] = {}
    for req in requirements:
        rendered = items(req.template, req.id)
        if len(rendered) != 1:
            raise TemplateRenderError(req.template, f"must render exactly one item, rendered {len(rendered)}")
        by_article.setdefault(req.article, []).append(rendered[0])
    titles = {a.id: a.title for a in catalogue.articles}
    articles: list[Article] = []
    for part in layout.frame_articles:
        if part.id == SECURITY_SLOT:
            articles += [Article(a, titles[a], tuple(by_article[a])) for a in layout.security_ids]
        elif part.template:
            articles.append(Article(part.id, part.title, items(part.template), part.explain))
    if settings.playbook is not None:
        from contractkit.generation.playbook import add_positions

        articles = list(add_positions(settings.playbook, articles, [p.id for p in pairs], context, catalogue))

    names = {kind: catalogue.role(kind if kind != "partner" else pairs[0].partner_role).name for kind in layout.kinds}
    if "partner" in names:
        names["partner"] = _partner_role_name(pairs, catalogue)
    parties = tuple(_party(layout.labels[kind], names[kind], kind, values) for kind in layout.kinds)
    schedules = tuple(
        Schedule(s.id, layout.schedule_labels[s.id], s.title,
                 _schedule_blocks(env, s.template, context, labels), s.supports)
        for s in layout.schedules if s.template
    )
    matrix = build_matrix(standard, layout, settings, parties, f"{layout.schedule_labels[MATRIX_SCHEDULE]}　"
                          f"{layout.schedules[0].title}", context)
    recitals = tuple(item.text for item in items(frame.preamble))
    number = values.get("contract_number")
    reference = None if settings.kind == "annex" or number is None else Inline(("协议编号：", number))
    return Document(
        kind=settings.kind,
        title="云计算服务安全责任附件" if settings.kind == "annex" else _agreement_title(frame, layout),
        subtitle=f"（{parties[0].role_names}与{parties[1].role_names}）",
        parties=parties,
        recitals=recitals,
        articles=tuple(articles),
        matrix=matrix,
        signature_date_label="签订日期：　　　　年　　月　　日",
        sign_place=Inline(("签订地点：", values["sign_place"])),
        metadata=Metadata(
            generator=f"contractkit {__version__}",
            standard=f"{standard.code} {standard.title}",
            pair_ids=tuple(p.id for p in pairs),
            options=tuple(sorted(settings.options)),
            kind=settings.kind,
            requirement_ids=tuple(r.id for r in requirements),
            parameters={k: (None if isinstance(v, Blank) else v) for k, v in values.items()},
        ),
        schedules=schedules,
        reference=reference,
        closing="（以下无正文）",
    )


def _agreement_title(frame, layout) -> str:
    """云服务协议, 云计算平台运维服务及安全服务协议 …: the deal, in the frame's words."""
    deals = [frame.titles[role] for role in frame.titles if role in layout.counterpart_roles]
    return frame.title_prefix[bool(layout.counterpart_roles - {"customer"})] + "及".join(deals) + "协议"


def template_context(
    pairs: list[Pair],
    options,
    kind: str,
    values: dict,
    labels: dict[str, str] | None = None,
    standard: Standard | None = None,
) -> dict:
    """What every template sees: parameters, party labels, roles, options.

    ``labels`` overrides the party labels (甲方/乙方) with the ones a contract
    under check uses, so a suggested clause reads like the rest of it. Outside a
    generated document (a suggested clause), references to articles and schedules
    read generically (本协议相关条款, 本协议附件).
    """
    customer_side = pairs[0].partner_role == "customer"
    partner_roles = [p.partner_role for p in pairs]
    context = dict(values)
    context.update(
        roles=set() if customer_side else set(partner_roles),
        options=set(options),
        is_annex=kind == "annex",
        this="本附件" if kind == "annex" else "本协议",
        platform=values.get("cloud_platform_name", "云计算平台"),
        partner_role=_partner_role_name(pairs, (standard or default_standard()).catalogue),
        customer_side=customer_side,
        ref=_Generic("本协议相关条款"),
        schedule=_Generic("本协议附件"),
        schedule_word="附件",
    )
    kinds = ("customer", "provider") if customer_side else ("provider", "partner")
    for kind_name, default_label in zip(kinds, PARTY_LABELS, strict=True):
        context[kind_name] = (labels or {}).get(kind_name, default_label)
    return context


class _Generic(dict):
    """References outside a generated document: any article or schedule reads as the same words."""

    def __init__(self, words: str):
        super().__init__()
        self.words = words

    def __missing__(self, key: str) -> str:
        return self.words


def render_requirement(
    requirement: Requirement,
    pairs: list[Pair],
    values: dict,
    labels: dict[str, str] | None = None,
    options=(),
    standard: Standard | None = None,
) -> Item:
    """One requirement's clause, e.g. as the suggestion for a contract that lacks it."""
    standard = standard or default_standard()
    context = template_context(pairs, options, "agreement", values, labels, standard)
    text = _render(template_environment(standard.templates_dir), requirement.template, context)
    items = _parse_items(text, {}, requirement.id)
    if len(items) != 1:
        raise TemplateRenderError(requirement.template, f"must render exactly one item, rendered {len(items)}")
    return items[0]


def _render(env: jinja2.Environment, template: str, context: dict) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.UndefinedError as exc:
        raise TemplateRenderError(template, f"{exc.message} (not a declared parameter)") from None
    except jinja2.TemplateError as exc:
        raise TemplateRenderError(template, str(exc)) from None


def _partner_role_name(pairs: list[Pair], catalogue: Catalogue) -> str:
    return "及".join(catalogue.role(p.partner_role).name for p in pairs)


def _party(label: str, role_names: str, prefix: str, values: dict) -> Party:
    def inline(name: str) -> Inline:
        return Inline((values[name],))

    return Party(
        label=label,
        role_names=role_names,
        name=inline(f"{prefix}_name"),
        address=inline(f"{prefix}_address"),
        representative=inline(f"{prefix}_representative"),
    )


def _schedule_blocks(env: jinja2.Environment, template: str, context: dict, labels: dict) -> tuple:
    try:
        return parse_blocks(_render(env, template, context), labels)
    except ValueError as exc:
        if isinstance(exc, TemplateRenderError):
            raise
        raise TemplateRenderError(template, str(exc)) from None


def _parse_items(text: str, labels: dict[str, str], requirement_id: str | None = None) -> list[Item]:
    """Split rendered text into items: blank lines separate items, '- ' lines are sub-items."""
    items: list[Item] = []
    for block in _blocks(text):
        head, *rest = block
        subitems = []
        for line in rest:
            if not line.startswith("- "):
                raise ValueError(f"line {line!r} continues an item without '- '")
            subitems.append(Inline.parse(line[2:].strip(), labels))
        items.append(Item(Inline.parse(head, labels), tuple(subitems), requirement_id))
    return items


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def relevant_parameters(settings: GenerationSettings, standard: Standard | None = None) -> list[str]:
    """The parameters this request's document actually uses, in declaration order.

    Found from the templates themselves (the requirements', and the frame's articles and
    schedules this document has), so the list never drifts from them; the absent party's
    fields are left out.
    """
    standard = standard or default_standard()
    catalogue, parameters = standard.catalogue, standard.parameters
    pairs = resolve_pairs(settings, catalogue)
    requirements = catalogue.select({p.id for p in pairs}, set(settings.options))
    frame = load_frame(standard.templates_dir)
    values = parameters.resolve({k: v for k, v in settings.parameters.items() if k in parameters})
    layout = lay_out(frame, catalogue, pairs, requirements, settings.kind, settings.options, values)
    env = template_environment(standard.templates_dir)
    templates = [r.template for r in requirements] + [frame.preamble]
    templates += [a.template for a in layout.frame_articles if a.template]
    templates += [s.template for s in layout.schedules if s.template]
    used: set[str] = set().union(*(template_variables(t, env) for t in templates))
    present = set(layout.kinds)
    used |= {f"{who}_{field}" for who in present for field in ("name", "address", "representative")}
    if "notices" in {a.id for a in layout.frame_articles}:
        used |= {f"{who}_{field}" for who in present for field in ("contact", "phone", "email")}
    used |= {"sign_place", "party_a", "contract_number"} if settings.kind == "agreement" else {"sign_place", "party_a"}
    if settings.kind != "annex":  # the main contract is named only in an annex's recitals
        used = {name for name in used if not name.startswith("main_contract_")}
    absent = {"customer", "partner", "provider"} - present
    return [spec.name for spec in parameters if spec.name in used and spec.name.split("_")[0] not in absent]
