#!/bin/sh
# Declares MinIO's buckets, their anonymous-access policies and two users limited to what they need:
# storage-service (its buckets) and, when BACKUP_BUCKET is set, PostgreSQL's backups (that bucket).
# Idempotent: every release re-runs it; each step converges to the declared state.
set -eu

mcx() { mc --config-dir /tmp/mc --quiet "$@"; }

attempt=1
until mcx alias set store "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do
  if [ "$attempt" -ge 60 ]; then echo "minio-setup: MinIO at $MINIO_URL did not answer in 5 minutes" >&2; exit 1; fi
  attempt=$((attempt + 1))
  sleep 5
done

# A JSON array of S3 ARNs: arns "arn:aws:s3:::" "" a b -> ["arn:aws:s3:::a","arn:aws:s3:::b"]
arns() {
  prefix=$1; suffix=$2; shift 2
  out=""
  for name in "$@"; do out="$out${out:+,}\"$prefix$name$suffix\""; done
  printf '[%s]' "$out"
}

# A user holding exactly one policy; the user is created or its secret updated, the policy replaced.
ensure_user() {
  user=$1; secret=$2; policy=$3; file=$4
  mcx admin policy create store "$policy" "$file"
  mcx admin user add store "$user" "$secret"
  case "$(mcx admin user info store "$user")" in
    *"$policy"*) ;;
    *) mcx admin policy attach store "$policy" --user "$user" ;;
  esac
}

# Anonymous read of a public bucket's published objects only: keys under an owner's id
# (<uuid>/...), never staging/ (uploads not confirmed yet, which nothing may serve). The same policy
# storage-service sets where it may (ObjectStore.publicReadPolicy); here it may not: its user cannot
# change a bucket's policy, so that no bug of it can publish the training data.
public_read_policy() {
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/????????-????-????-????-????????????/*"]}]}' "$1"
}

for bucket in $PUBLIC_BUCKETS $PRIVATE_BUCKETS; do mcx mb --ignore-existing "store/$bucket"; done
for bucket in $PUBLIC_BUCKETS; do
  public_read_policy "$bucket" > "/tmp/public-read-$bucket.json"
  mcx anonymous set-json "/tmp/public-read-$bucket.json" "store/$bucket"
done
for bucket in $PRIVATE_BUCKETS; do mcx anonymous set none "store/$bucket"; done

# Versioning (VERSIONING=on in prod: it needs MinIO's erasure coding, four pods, not dev's one): an
# object overwritten or deleted, by a bug, an operator or an attacker with the storage user's keys,
# keeps its previous version for NONCURRENT_DAYS days. staging/ is left out: uploads not confirmed yet
# are copied and deleted by design, and their versions would only cost space.
if [ "${VERSIONING:-off}" = on ]; then
  for bucket in $PUBLIC_BUCKETS $PRIVATE_BUCKETS; do
    mcx version enable --excluded-prefixes "staging/" "store/$bucket"
    if ! mcx ilm rule export "store/$bucket" 2>/dev/null | grep -q NoncurrentVersionExpiration; then
      mcx ilm rule add --noncurrent-expire-days "$NONCURRENT_DAYS" "store/$bucket"
    fi
    # A copy outside the cluster: server-side replication of every object, its deletes and what was
    # there before, to the same bucket name on a versioned store (REPLICA_URL, from the optional Secret
    # reigh-object-replica). Added once; MinIO retries what the replica misses.
    if [ -n "${REPLICA_URL:-}" ] && ! mcx replicate ls "store/$bucket" 2>/dev/null | grep -q "$bucket"; then
      mcx replicate add "store/$bucket" --remote-bucket "${REPLICA_URL%/}/$bucket" \
        --replicate "existing-objects,delete,delete-marker"
    fi
  done
fi

# storage-service's user: its objects, nothing of the buckets themselves (no creating, deleting or
# re-policying a bucket: this Job declares them).
# shellcheck disable=SC2086
cat > /tmp/storage-policy.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow",
   "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
   "Resource": $(arns "arn:aws:s3:::" "" $PUBLIC_BUCKETS $PRIVATE_BUCKETS)},
  {"Effect": "Allow",
   "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts"],
   "Resource": $(arns "arn:aws:s3:::" "/*" $PUBLIC_BUCKETS $PRIVATE_BUCKETS)}
]}
JSON
ensure_user "$STORAGE_ACCESS_KEY" "$STORAGE_SECRET_KEY" reigh-storage /tmp/storage-policy.json

if [ -n "${BACKUP_BUCKET:-}" ]; then
  mcx mb --ignore-existing "store/$BACKUP_BUCKET"
  mcx anonymous set none "store/$BACKUP_BUCKET"
  cat > /tmp/backup-policy.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
   "Resource": $(arns "arn:aws:s3:::" "" "$BACKUP_BUCKET")},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
   "Resource": $(arns "arn:aws:s3:::" "/*" "$BACKUP_BUCKET")}
]}
JSON
  ensure_user "$BACKUP_ACCESS_KEY" "$BACKUP_SECRET_KEY" reigh-pg-backup /tmp/backup-policy.json
fi
echo "minio-setup: buckets, policies and users are as declared"
