"""Parameter values for the generation tests: every parameter filled, as a lawyer fills a draft."""

from __future__ import annotations

from conftest import FILLED

# Every parameter a document can ask for, with a valid value (FILLED has the names and places).
COMPLETE = {
    **FILLED,
    "contract_number": "HY-YW-2025-018",
    "main_contract_number": "HY-2025-001",
    "main_contract_date": "2025-03-01",
    "contract_price": "人民币壹佰贰拾万元整（¥1,200,000.00）",
    "tax_rate": "6",
    "penalty_percent": "5",
    "liability_cap_percent": "100",
    "arbitration_commission": "上海国际仲裁中心",
    "om_engineers": 4,
    "security_engineers": 2,
    "support_engineers": 2,
    **{f"{who}_contact": f"{name}（安全负责人）" for who, name in
       (("provider", "张伟"), ("partner", "刘洋"), ("customer", "陈静"))},
    **{f"{who}_phone": f"010-8888{n}000" for n, who in enumerate(("provider", "partner", "customer"))},
    **{f"{who}_email": f"security@{who}.example.cn" for who in ("provider", "partner", "customer")},
}

# Every pair, and the two role merges a partner often holds: the variants the drafting tests cover.
PAIRS = [
    ("customer-provider", ()),
    ("provider-software", ()),
    ("provider-hardware", ()),
    ("provider-om", ()),
    ("provider-security", ()),
    ("provider-om", ("security",)),
    ("provider-software", ("hardware",)),
]
