#!/usr/bin/env bash
# Creates the Secrets (and the public-key ConfigMap) the dev overlay references, with random
# passwords, in the current kubectl context. Never committed, never printed. Existing ones are kept,
# so running it again changes nothing; delete a Secret to have it generated anew.
#
# The signing key pair is the launcher's (.reigh/keys, created by ./reigh up) when there is one, so
# `./reigh token ...` mints tokens the dev cluster accepts; otherwise a new pair is generated here.
#
#   ./k8s/overlays/dev/create-dev-secrets.sh            # namespace reigh-dev
#   NAMESPACE=other ./k8s/overlays/dev/create-dev-secrets.sh
set -euo pipefail

NAMESPACE="${NAMESPACE:-reigh-dev}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
KEYS="${REIGH_KEYS:-$ROOT/.reigh/keys}"

command -v kubectl >/dev/null || { echo "kubectl is required" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }

kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE" >/dev/null

random() { openssl rand -hex 24; }
exists() { kubectl -n "$NAMESPACE" get "$1" "$2" >/dev/null 2>&1; }

# A basic-auth Secret as CloudNativePG expects for a role: username = the role, password.
role_secret() {
  local name=$1 role=$2
  if exists secret "$name"; then echo "kept   secret/$name"; return; fi
  kubectl -n "$NAMESPACE" create secret generic "$name" --type=kubernetes.io/basic-auth \
    --from-literal=username="$role" --from-literal=password="$(random)" >/dev/null
  kubectl -n "$NAMESPACE" label secret "$name" cnpg.io/reload=true >/dev/null
  echo "created secret/$name"
}

generic_secret() {
  local name=$1; shift
  if exists secret "$name"; then echo "kept   secret/$name"; return; fi
  kubectl -n "$NAMESPACE" create secret generic "$name" "$@" >/dev/null
  echo "created secret/$name"
}

role_secret reigh-db-owner reigh_owner
role_secret reigh-db-projects reigh_projects
role_secret reigh-db-projects-alt reigh_projects_alt
role_secret reigh-db-tasks reigh_tasks
role_secret reigh-db-tasks-alt reigh_tasks_alt
role_secret reigh-db-credits reigh_credits
role_secret reigh-db-credits-alt reigh_credits_alt
role_secret reigh-db-storage reigh_storage
role_secret reigh-db-storage-alt reigh_storage_alt

generic_secret reigh-minio-root --from-literal=MINIO_ROOT_USER=reigh-root --from-literal=MINIO_ROOT_PASSWORD="$(random)"
generic_secret reigh-s3-storage --from-literal=REIGH_S3_ACCESS_KEY=reigh-storage --from-literal=REIGH_S3_SECRET_KEY="$(random)"
generic_secret reigh-pg-backup-s3 --from-literal=ACCESS_KEY_ID=reigh-pg-backup --from-literal=ACCESS_SECRET_KEY="$(random)"
# A random webhook secret: replace it with the one `stripe listen` (or the dashboard's endpoint) shows to
# receive real test-mode deliveries.
generic_secret reigh-stripe-webhook --from-literal=webhook-secret="whsec_$(random)"
# No reigh-stripe-api: a Stripe key cannot be made up (create it with your test-mode sk_test_... to try
# Checkout); until then the Checkout and auto top-up routes answer 503.
generic_secret reigh-api-keys-encryption --from-literal=key="$(openssl rand -base64 32)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -f "$KEYS/private.pem" ] && [ -f "$KEYS/public.pem" ]; then
  cp "$KEYS/private.pem" "$KEYS/public.pem" "$work/"
else
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
  openssl pkey -in "$work/private.pem" -pubout -out "$work/public.pem" 2>/dev/null
fi
generic_secret reigh-service-signing-key --from-file=private.pem="$work/private.pem"
if exists configmap reigh-auth-public-key; then
  echo "kept   configmap/reigh-auth-public-key"
else
  kubectl -n "$NAMESPACE" create configmap reigh-auth-public-key --from-file=public.pem="$work/public.pem" >/dev/null
  echo "created configmap/reigh-auth-public-key"
fi
