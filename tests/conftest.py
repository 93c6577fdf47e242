from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Keep jieba's cache inside the project tree even when tests touch it.
os.environ.setdefault("CONTRACTKIT_CACHE_DIR", str(REPO / ".cache"))
# A developer's own ~/.config/contractkit/config.toml must not change what the tests see.
os.environ["XDG_CONFIG_HOME"] = str(REPO / ".cache" / "no-user-config")


@pytest.fixture(scope="session")
def catalogue():
    from contractkit.catalogue import default_catalogue

    return default_catalogue()


@pytest.fixture(scope="session")
def parameter_set():
    from contractkit.generation.parameters import default_parameters

    return default_parameters()


FILLED = {
    "provider_name": "华云数智科技有限公司",
    "provider_address": "北京市海淀区中关村大街1号",
    "provider_representative": "王明",
    "partner_name": "恒安运维服务有限公司",
    "partner_address": "杭州市西湖区文三路100号",
    "partner_representative": "李华",
    "customer_name": "滨江市大数据发展中心",
    "customer_address": "滨江市政务服务中心",
    "customer_representative": "赵强",
    "main_contract_name": "云计算平台运维服务合同",
    "service_description": "云计算平台运维与安全服务",
    "cloud_platform_name": "华云政务云平台",
    "sign_place": "北京市海淀区",
    "authorization_scope": "运维堡垒机所列主机的巡检与变更操作",
}


@pytest.fixture
def filled_parameters():
    return dict(FILLED)


def _databases():
    from service_support import POSTGRES_URL

    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="no PostgreSQL test server: run scripts/setup-test-machine.sh"))


@pytest.fixture(params=list(_databases()))
def database_url(request, tmp_path):
    """The review history's database, once on SQLite and once on the PostgreSQL test server (a clean schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.sqlite3'}"
        return
    import sqlalchemy as sa

    from contractkit.service.database import create_database_engine

    from service_support import POSTGRES_URL

    engine = create_database_engine(POSTGRES_URL)
    with engine.begin() as db:
        db.execute(sa.text("DROP TABLE IF EXISTS documents, reviews, organisation_settings, sessions, alembic_version "
                           "CASCADE"))
    engine.dispose()
    yield POSTGRES_URL
