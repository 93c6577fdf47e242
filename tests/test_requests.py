"""One validation path: the library's requests find every problem, with a code, a field and a message in
English and Chinese; the command line shows the English, the API and the web forms the Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractkit.cli import main
from contractkit.requests import CheckRequest, GenerateRequest, InvalidRequest, RequestError

from conftest import REPO
from service_support import running, sample, settings_for, upload

CONTRACT = "it-outsourcing-generic.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _problems(request_class, data) -> list[RequestError]:
    with pytest.raises(InvalidRequest) as raised:
        request_class.parse(data)
    return list(raised.value.errors)


# ---------------------------------------------------------------- each error code, from the library
@pytest.mark.parametrize("data, code, field, en", [
    ({}, "pair-needed", "pair", "name the pair; valid pairs: customer-provider"),
    ({"pair": "provider-moon"}, "unknown-pair", "pair", "unknown pair 'provider-moon'; valid pairs:"),
    ({"pair": "provider-om", "extra_roles": ["landlord"]}, "unknown-role", "extra_roles", "unknown role 'landlord'"),
    ({"pair": "provider-om", "roles": ["landlord"]}, "unknown-role", "extra_roles", "unknown role 'landlord'"),
    ({"pair": "customer-provider", "extra_roles": ["om"]}, "roles-not-applicable", "extra_roles",
     "only applies to provider–partner pairs"),
    ({"pair": "provider-om", "extra_roles": ["customer"]}, "not-partner-role", "extra_roles", "not a partner role"),
    ({"pair": "provider-om", "options": ["moon"]}, "unknown-option", "options",
     "unknown option 'moon'; valid options: cii, multi-cloud"),
    ({"pair": "provider-om", "kind": "letter"}, "unknown-kind", "kind", "unknown document kind 'letter'"),
    ({"pair": "provider-om", "format": "pdf"}, "unknown-format", "format", "valid formats: docx, md, txt"),
    ({"pair": "provider-om", "parameters": {"no_such": "1"}}, "unknown-parameter", "parameters.no_such",
     "unknown parameter"),
    ({"pair": "provider-om", "parameters": {"critical_fix_days": "soon"}}, "parameter-type",
     "parameters.critical_fix_days", "expected a whole number"),
    ({"pair": "provider-om", "parameters": {"critical_fix_days": [1]}}, "parameter-type",
     "parameters.critical_fix_days", "must be a single value"),
    ({"pair": "provider-om", "parameters": {"critical_fix_days": 999}}, "parameter-range",
     "parameters.critical_fix_days", "outside the allowed range 1–90"),
    ({"pair": "provider-om", "parameters": {"provider_name": "x" * 121}}, "parameter-length",
     "parameters.provider_name", "at most 120 allowed"),
    ({"pair": "provider-om", "parameters": {"provider_name": "  "}}, "parameter-blank",
     "parameters.provider_name", "must not be empty"),
    ({"pair": "provider-om", "parameters": {"provider_name": "a\x07"}}, "parameter-characters",
     "parameters.provider_name", "control or private-use"),
    ({"pair": 3}, "wrong-type", "pair", "pair: must be text"),
    ({"pair": "provider-om", "pairs": "x"}, "unknown-field", "pairs", "pairs: not a field of this request"),
])
def test_each_generate_problem_has_its_code_field_and_both_languages(data, code, field, en):
    (problem,) = _problems(GenerateRequest, data)
    assert (problem.code, problem.field) == (code, field)
    assert en in problem.en and not CJK.search(problem.en)
    assert CJK.search(problem.zh)
    assert "validation error" not in problem.en + problem.zh


@pytest.mark.parametrize("data, code, field, zh", [
    ({"roles": {" ": ["om"]}}, "blank-label", "roles", "当事人标签不能为空"),
    ({"roles": {"乙方": []}}, "no-roles", "roles.乙方", "请为乙方选择至少一个角色"),
    ({"roles": {"甲方": ["landlord"]}}, "unknown-role", "roles.甲方",
     "未知角色 landlord；可选：customer（云服务客户）"),
    ({"roles": {"甲方": "provider"}}, "wrong-type", "roles.甲方", "应为列表"),
    ({"options": ["moon"]}, "unknown-option", "options",
     "未知选项 moon；可选：cii（关键信息基础设施）、multi-cloud（多云统管）"),
    ({"organisation_role": "om"}, "names-needed", "organisation.names", "请填写我方名称，或不选我方角色"),
    ({"organisation_names": [f"公司{n}" for n in range(21)]}, "too-many-names", "organisation.names",
     "最多填写 20 个名称，现有 21 个"),
    ({"organisation_names": ["长" * 201]}, "name-too-long", "organisation.names", "每个名称不超过 200 个字"),
    ({"organisation_names": ["华云"], "organisation_role": "landlord"}, "unknown-role", "organisation.role",
     "未知角色 landlord"),
])
def test_each_check_problem_has_its_code_field_and_both_languages(data, code, field, zh):
    (problem,) = _problems(CheckRequest, data)
    assert (problem.code, problem.field) == (code, field)
    english = re.sub(r"'[^']*'", "", problem.en.removeprefix(f"{field}: "))  # but what was given, quoted
    assert zh in problem.zh and english.isascii()
    assert problem.as_dict("zh") == {"code": code, "field": field, "message": problem.zh}


def test_every_problem_at_once():
    problems = _problems(GenerateRequest, {
        "pair": "provider-om", "extra_roles": ["landlord"], "options": ["moon"], "format": "pdf",
        "parameters": {"critical_fix_days": "999", "sla_availability": "high"},
    })
    assert [p.code for p in problems] == [
        "unknown-role", "unknown-option", "unknown-format", "parameter-range", "parameter-type"]
    assert [p.field for p in problems][-2:] == ["parameters.critical_fix_days", "parameters.sla_availability"]
    problems = _problems(CheckRequest, {"roles": {"甲方": ["landlord"]}, "options": ["moon"],
                                        "organisation_names": ["华云"], "organisation_role": "vendor"})
    assert [p.field for p in problems] == ["roles.甲方", "options", "organisation.role"]


def test_a_valid_request_becomes_the_settings():
    settings = GenerateRequest.parse({"pair": "provider-om", "roles": ["security", "security"],
                                      "parameters": {"provider_name": "甲云", "partner_name": ""}}).settings()
    assert settings.extra_roles == ("security",) and dict(settings.parameters) == {"provider_name": "甲云"}
    check = CheckRequest.parse({"roles": {"甲方": ["provider"]}, "options": ["cii", "cii"],
                                "organisation_names": [" 华云 ", "华云"]}).settings()
    assert dict(check.roles) == {"甲方": ("provider",)} and check.options == {"cii"}
    assert check.organisation.names == ("华云",) and check.organisation.role == "provider"


def test_the_python_api_raises_the_same_errors():
    import contractkit

    with pytest.raises(InvalidRequest) as raised:
        contractkit.generate("provider-om", options=["moon"], parameters={"critical_fix_days": 0})
    assert [e.code for e in raised.value.errors] == ["unknown-option", "parameter-range"]
    with pytest.raises(InvalidRequest, match="unknown role 'landlord'"):
        contractkit.check(REPO / "samples" / "contracts" / CONTRACT, roles={"甲方": ["landlord"]})


# ---------------------------------------------------------------- the same problems: CLI, API, web form
GENERATE_PROBLEMS = {"pair": "provider-om", "options": ["moon"], "critical_fix_days": "999"}


def test_generate_problems_on_the_command_line_in_english(tmp_path):
    result = CliRunner().invoke(main, ["generate", "provider-om", "--option", "moon", "--set", "critical_fix_days=999",
                                       "-o", str(tmp_path / "a.md")])
    assert result.exit_code == 2 and not list(tmp_path.iterdir())
    assert result.output.splitlines() == [
        "Error: --option: unknown option 'moon'; valid options: cii, multi-cloud",
        "Error: parameter 'critical_fix_days': 999 is outside the allowed range 1–90",
    ]


def test_check_problems_on_the_command_line_in_english(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [
        "check", str(REPO / "samples" / "contracts" / CONTRACT), "--role", "甲方=landlord", "--option", "moon",
        "--as", "华云", "--as-role", "vendor"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Error: --role 甲方: unknown role 'landlord'; valid roles: customer, provider")
    assert lines[1] == "Error: --option: unknown option 'moon'; valid options: cii, multi-cloud"
    assert lines[2].startswith("Error: --as-role: unknown role 'vendor'; valid roles:")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with running(settings_for(tmp_path_factory.mktemp("service"))) as client:
        yield client


def _zh(request_class, data) -> dict[str, str]:
    return {p.field: p.zh for p in _problems(request_class, data)}


def test_generate_problems_through_the_api_in_chinese(service):
    response = service.post("/api/generate", json={
        "pair": "provider-om", "options": ["moon"], "parameters": {"critical_fix_days": "999"}})
    assert response.status_code == 422
    expected = _zh(GenerateRequest, {"pair": "provider-om", "options": ["moon"],
                                     "parameters": {"critical_fix_days": "999"}})
    assert response.json()["errors"] == [
        {"code": "unknown-option", "field": "options", "message": expected["options"]},
        {"code": "parameter-range", "field": "parameters.critical_fix_days",
         "message": expected["parameters.critical_fix_days"]},
    ]
    assert "超出允许范围" in expected["parameters.critical_fix_days"]


def test_generate_problems_next_to_the_form_fields_in_chinese(service):
    response = service.post("/generate", data={"pair": "provider-om", "options": "moon", "p:critical_fix_days": "999"})
    assert response.status_code == 422
    expected = _zh(GenerateRequest, {"pair": "provider-om", "options": ["moon"],
                                     "parameters": {"critical_fix_days": "999"}})
    options = re.search(r'<fieldset class="invalid">\s*<legend>适用情形</legend>.*?</fieldset>', response.text, re.S)
    assert options and f'<span class="field-error">{expected["options"]}</span>' in options.group(0)
    field = re.search(r'<label class="invalid" data-param="critical_fix_days">.*?</label>', response.text, re.S)
    assert field and expected["parameters.critical_fix_days"] in field.group(0)
    assert "有 2 处需要修改" in response.text


def test_check_problems_through_the_api_in_chinese(service):
    response = upload(service, [("a.txt", b"x")], options="moon", as_names="华云", as_role="vendor", wait=False)
    assert response.status_code == 422
    expected = _zh(CheckRequest, {"options": ["moon"], "organisation_names": ["华云"], "organisation_role": "vendor"})
    assert response.json()["errors"] == [
        {"code": "unknown-option", "field": "options", "message": expected["options"]},
        {"code": "unknown-role", "field": "as_role", "message": expected["organisation.role"]},
    ]
    review = upload(service, [(CONTRACT, sample(CONTRACT))]).json()
    document = review["documents"][0]["id"]
    refused = service.post(f"/api/documents/{document}/recheck", json={"roles": {"甲方": ["landlord"], "乙方": []}})
    assert refused.status_code == 422
    assert [(e["code"], e["field"]) for e in refused.json()["errors"]] == [
        ("unknown-role", "roles.甲方"), ("no-roles", "roles.乙方")]
    shape = service.post(f"/api/documents/{document}/recheck", json={"roles": {"甲方": "provider"}})
    assert shape.json()["errors"] == [{"code": "wrong-type", "field": "roles.甲方", "message": "应为列表"}]


def test_check_problems_next_to_the_upload_form_fields_in_chinese(service):
    response = service.post("/reviews", files=[("files", (CONTRACT, sample(CONTRACT)))],
                            data={"options": "moon", "as_names": "华云", "as_role": "vendor"},
                            headers={"accept": "text/html"})
    assert response.status_code == 422
    expected = _zh(CheckRequest, {"options": ["moon"], "organisation_names": ["华云"], "organisation_role": "vendor"})
    shown = dict(re.findall(r'<span class="field-error" data-error-for="(\w+)">([^<]*)</span>', response.text))
    assert shown == {"options": expected["options"], "as_names": "", "as_role": expected["organisation.role"],
                     "playbook": "", "playbook_file": ""}  # the playbook fields: no problem with them


# ---------------------------------------------------------------- nobody else checks
SERVICE = REPO / "contractkit" / "service"
# What the service used to check or word itself: catalogue look-ups that raise, and its own messages.
OWN_CHECKS = re.compile(
    r"UnknownName|ParameterError|GenerationError|problem_zh|\.condition\(|\.role\(|未知|不超过|最多填写|请选择当事人|"
    r"应为|请同时填写|请填写我方名称")


@pytest.mark.parametrize("module", sorted(SERVICE.glob("*.py")), ids=lambda p: p.name)
def test_no_service_module_checks_options_roles_or_parameters_itself(module: Path):
    found = [line.strip() for line in module.read_text(encoding="utf-8").splitlines() if OWN_CHECKS.search(line)]
    assert not found, f"{module.name} validates or words a request problem itself: {found}"


def test_party_a_and_matrix_edits_are_validated_with_the_request():
    from contractkit.requests import GenerateRequest, InvalidRequest

    with pytest.raises(InvalidRequest) as info:
        GenerateRequest.parse({
            "pair": "provider-om", "parameters": {"party_a": "customer"},
            "matrix": {"drop": ["no-such-task"], "set": {"changes": {"provider": "boss"}}},
        })
    codes = {(e.code, e.field) for e in info.value.errors}
    assert ("party-a-not-in-pair", "parameters.party_a") in codes
    assert ("matrix-edit", "matrix") in codes
    assert all(e.zh for e in info.value.errors)
