#!/usr/bin/env bash
# npm run demo [-- --keep | --down]: installs what is missing, bundles the demo
# and the service, installs the Terraform provider, then runs scripts/demo/main.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "demo: run as root (network namespaces, veth pairs, Open vSwitch)" >&2; exit 1; fi
down=0
for a in "$@"; do [ "$a" = "--down" ] && down=1; done
if [ $down = 0 ]; then
  bash scripts/install-deps.sh
  command -v terraform >/dev/null || { echo "demo: terraform is not installed (https://developer.hashicorp.com/terraform/install)" >&2; exit 1; }
  node scripts/provider-install.js
fi
node scripts/demo/bundle.js .demo/bin
exec node .demo/bin/demo.js "$@"
