"""Render the catalogue's templates into a format-neutral Document."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from jinja2 import meta

from contractkit import __version__, resources
from contractkit.catalogue import Catalogue, Pair, Requirement
from contractkit.generation.document import (
    Article,
    Document,
    Inline,
    Item,
    Matrix,
    MatrixRow,
    Metadata,
    Party,
)
from contractkit.generation.parameters import Blank
from contractkit.generation.settings import GenerationSettings
from contractkit.standard import Standard, default_standard

PARTY_LABELS = ("甲方", "乙方")
SCOPE_TEMPLATE = "documents/scope.j2"
FINAL_TEMPLATE = "documents/final.j2"
PREAMBLE_TEMPLATE = "documents/preamble.j2"
# Names the renderer itself puts in every template's context (besides parameters).
CONTEXT_NAMES = frozenset(
    {"provider", "partner", "customer", "partner_role", "roles", "options", "is_annex"}
)


class GenerationError(ValueError):
    """A request the generator cannot fulfil (unknown pair, role or option, bad combination)."""


class TemplateRenderError(GenerationError):
    def __init__(self, template: str, problem: str):
        self.template = template
        super().__init__(f"template {template}: {problem}")


@cache
def template_environment(templates_dir: Path) -> jinja2.Environment:
    """The Jinja environment of one standard's templates folder (one per folder, cached)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,  # plain text; each writer escapes for its own format
    )


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
    pair_ids = [p.id for p in pairs]
    values = parameters.resolve(settings.parameters)
    labels = {spec.name: spec.label for spec in parameters}
    requirements = catalogue.select(set(pair_ids), set(settings.options))

    customer_side = pairs[0].partner_role == "customer"
    partner_role_name = _partner_role_name(pairs, catalogue)
    context = template_context(pairs, settings.options, settings.kind, values, standard=standard)
    env = template_environment(standard.templates_dir)

    def render(template: str) -> str:
        return _render(env, template, context)

    items_by_article: dict[str, list[Item]] = {}
    for req in requirements:
        items = _parse_items(render(req.template), labels, req.id)
        if len(items) != 1:
            raise TemplateRenderError(req.template, f"must render exactly one item, rendered {len(items)}")
        items_by_article.setdefault(req.article, []).append(items[0])

    articles = [Article("scope", "定义与适用范围", tuple(_parse_items(render(SCOPE_TEMPLATE), labels)))]
    articles += [
        Article(a.id, a.title, tuple(items_by_article[a.id]))
        for a in catalogue.articles
        if a.id in items_by_article
    ]
    articles.append(Article("final", "其他", tuple(_parse_items(render(FINAL_TEMPLATE), labels))))

    if customer_side:
        parties = (
            _party(PARTY_LABELS[0], catalogue.role("customer").name, "customer", values, labels),
            _party(PARTY_LABELS[1], catalogue.role("provider").name, "provider", values, labels),
        )
    else:
        parties = (
            _party(PARTY_LABELS[0], catalogue.role("provider").name, "provider", values, labels),
            _party(PARTY_LABELS[1], partner_role_name, "partner", values, labels),
        )

    recitals = tuple(item.text for item in _parse_items(render(PREAMBLE_TEMPLATE), labels))
    role_kinds = ("customer", "provider") if customer_side else ("provider", "partner")
    return Document(
        kind=settings.kind,
        title="云计算服务安全责任实施工作划分附件" if settings.kind == "annex" else "云计算服务安全责任协议",
        subtitle=f"（{parties[0].role_names}与{parties[1].role_names}）",
        parties=parties,
        recitals=recitals,
        articles=tuple(articles),
        matrix=_matrix(requirements, parties, role_kinds, standard),
        signature_date_label="签订日期：　　　　年　　月　　日",
        sign_place=Inline(("签订地点：", values["sign_place"])),
        metadata=Metadata(
            generator=f"contractkit {__version__}",
            standard=f"{standard.code} {standard.title}",
            pair_ids=tuple(pair_ids),
            options=tuple(sorted(settings.options)),
            kind=settings.kind,
            requirement_ids=tuple(r.id for r in requirements),
            parameters={k: (None if isinstance(v, Blank) else v) for k, v in values.items()},
        ),
    )


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
    under check uses, so a suggested clause reads like the rest of it.
    """
    customer_side = pairs[0].partner_role == "customer"
    partner_roles = [p.partner_role for p in pairs]
    context = dict(values)
    context.update(
        roles=set() if customer_side else set(partner_roles),
        options=set(options),
        is_annex=kind == "annex",
        partner_role=_partner_role_name(pairs, (standard or default_standard()).catalogue),
    )
    kinds = ("customer", "provider") if customer_side else ("provider", "partner")
    for kind_name, default_label in zip(kinds, PARTY_LABELS, strict=True):
        context[kind_name] = (labels or {}).get(kind_name, default_label)
    return context


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


def _party(label: str, role_names: str, prefix: str, values: dict, labels: dict) -> Party:
    def inline(name: str) -> Inline:
        return Inline((values[name],))

    return Party(
        label=label,
        role_names=role_names,
        name=inline(f"{prefix}_name"),
        address=inline(f"{prefix}_address"),
        representative=inline(f"{prefix}_representative"),
    )


def _matrix(requirements: list[Requirement], parties: tuple[Party, ...], role_kinds, standard: Standard) -> Matrix:
    markings = standard.vocabulary.markings
    columns = tuple(f"{p.label}（{p.role_names}）" for p in parties)
    rows = tuple(
        MatrixRow(
            clause=req.clause,
            work_item=req.work_item,
            marks=tuple(
                markings[req.division[kind]].zh if kind in req.division else "" for kind in role_kinds
            ),
            requirement_id=req.id,
        )
        for req in requirements
    )
    legend = "说明：" + "；".join(f"“{word.zh}”指{word.meaning}" for word in markings.values()) + "。"
    return Matrix(title="附件：安全责任实施工作划分表", columns=columns, rows=rows, legend=legend)


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

    Found from the templates themselves, so the list never drifts from them;
    the absent party's fields and the annex-only ones are left out.
    """
    standard = standard or default_standard()
    catalogue, parameters = standard.catalogue, standard.parameters
    pairs = resolve_pairs(settings, catalogue)
    requirements = catalogue.select({p.id for p in pairs}, set(settings.options))
    env = template_environment(standard.templates_dir)
    used: set[str] = set()
    for template in [r.template for r in requirements] + [PREAMBLE_TEMPLATE, SCOPE_TEMPLATE, FINAL_TEMPLATE]:
        used |= template_variables(template, env)
    customer_side = pairs[0].partner_role == "customer"
    present = ("customer", "provider") if customer_side else ("provider", "partner")
    used |= {f"{who}_{field}" for who in present for field in ("name", "address", "representative")}
    used.add("sign_place")
    absent = {"partner"} if customer_side else {"customer"}
    names = []
    for spec in parameters:
        if spec.name not in used or spec.name.split("_")[0] in absent:
            continue
        if spec.name == "main_contract_name" and settings.kind != "annex":
            continue
        names.append(spec.name)
    return names
