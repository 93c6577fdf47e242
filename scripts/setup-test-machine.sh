#!/usr/bin/env bash
# What the test suite needs from Debian besides Python packages, installed and started:
#   * chromium    – the browser the end-to-end tests drive through Playwright (no browser download)
#   * postgresql  – a local server, so the review history is tested on PostgreSQL as well as SQLite
#   * libreoffice-writer-nogui (+ fonts-noto-cjk) – soffice, to prove .odt reading and a Word-compatible
#     round trip of the generated .docx (tests/test_odt.py, tests/test_docx_metadata.py) and to render every
#     generated variant to PDF (tests/test_pdf_render.py)
#   * poppler-utils – pdftotext/pdfinfo/pdftoppm, to read those PDFs page by page
# Idempotent: run it as often as you like (as root, or as a user with sudo).
set -euo pipefail

DB_URL="postgresql://contractkit:contractkit@127.0.0.1:5432/contractkit_test"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

PACKAGES=(chromium postgresql libreoffice-writer-nogui fonts-noto-cjk poppler-utils)
if ! dpkg -s "${PACKAGES[@]}" >/dev/null 2>&1; then
  echo "setup: installing ${PACKAGES[*]} from Debian" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
fi

# Start every PostgreSQL cluster that is down (a fresh install creates one, 'main').
pg_lsclusters --no-header | while read -r version cluster port status _; do
  if [ "$status" != "online" ]; then
    as_root pg_ctlcluster "$version" "$cluster" start
  fi
done

for _ in $(seq 1 30); do
  as_postgres psql -qAtc "select 1" >/dev/null 2>&1 && break
  sleep 1
done
if [ "$(as_postgres psql -qAtc "select 1 from pg_roles where rolname='contractkit'")" != "1" ]; then
  as_postgres psql -qc "create role contractkit login password 'contractkit'"
fi
if [ "$(as_postgres psql -qAtc "select 1 from pg_database where datname='contractkit_test'")" != "1" ]; then
  as_postgres psql -qc "create database contractkit_test owner contractkit"
fi
echo "setup: chromium at $(command -v chromium); soffice at $(command -v soffice); PostgreSQL test database at $DB_URL" >&2
