#!/usr/bin/env bash
# The test command for a fresh machine: installs what the tests need (GDAL's ogrinfo and QGIS for the export
# checks, PostgreSQL/PostGIS for the shared-plan tests),
# checks formatting and lints, then runs every test. Fails when formatting differs, clippy warns, or a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ogrinfo >/dev/null 2>&1 || need_apt+=(gdal-bin)
# The shared-plan tests start a throwaway PostgreSQL/PostGIS cluster (scripts/test_db.sh).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need_apt+=(postgresql-15-postgis-3)
# QGIS (PyQGIS, offscreen) judges the CSV export in tests/qgis_csv.rs.
/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || need_apt+=(python3-qgis qgis-providers)
# pdfinfo/pdftoppm check the PDF map sheet; openssl makes the throwaway cluster's TLS certificate.
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if ((${#need_apt[@]})); then
  echo "Installing ${need_apt[*]} (needed by the export, QGIS and database tests)…"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
command -v ogrinfo >/dev/null 2>&1 || { echo "ogrinfo is still missing: install gdal-bin" >&2; exit 1; }

# The domain model must not depend on a UI crate (also checked by tests/architecture.rs).
if grep -rnE '^\s*(pub\s+)?use\s+(egui|eframe|walkers|rfd)\b|\b(egui|eframe|walkers|rfd)::' src/model; then
  echo "src/model imports a UI crate" >&2
  exit 1
fi

for tool in rustfmt clippy; do
  cargo "${tool/rustfmt/fmt}" --version >/dev/null 2>&1 || rustup component add "$tool"
done
# Formatting (rustfmt.toml) and lints (clippy.toml, [lints] in Cargo.toml) are part of the test.
cargo fmt --all --check || { echo "cargo fmt --check: run cargo fmt" >&2; exit 1; }
cargo clippy --locked --all-targets -- -D warnings

# A throwaway PostGIS cluster on a unix socket for tests/db_shared.rs; stopped by its EXIT trap.
# shellcheck source=scripts/test_db.sh
source scripts/test_db.sh
cargo test --locked --all-targets "$@"
