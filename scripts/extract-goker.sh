#!/bin/sh
# Extracts the 42 GoKer blocking kernels we develop against from a clone or
# bare mirror of github.com/timmyyuan/gobench into DEST/<project>_<id>/
# (README.md and <project><id>_test.go each). The other GoKer blocking bugs
# are held out for independent evaluation: this list is the only place that
# names which ones we may read, so never widen it with a glob.
#
#   scripts/extract-goker.sh DEST [GIT_DIR]
#
# GIT_DIR defaults to $GOBENCH_GIT_DIR, then /work/.mirror/timmyyuan+gobench/repo;
# GOBENCH_REV overrides the pinned revision.
# Get one with: git clone --bare https://github.com/timmyyuan/gobench gobench.git
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 DEST [GIT_DIR]" >&2
  exit 2
fi
DEST=$1
GIT_DIR=${2:-${GOBENCH_GIT_DIR:-/work/.mirror/timmyyuan+gobench/repo}}
# The revision whose line numbers scripts/goker-expect.json records (its source.commit).
REV=${GOBENCH_REV:-2e91eb10b8e7b2873ea44f12b87ec1b2520e1b69}

# Keep in step with scripts/goker-expect.json (test/goker.test.ts checks it).
BUGS="
cockroach_10214 cockroach_1055 cockroach_16167 cockroach_2448 cockroach_24808
cockroach_3710 cockroach_584 cockroach_6181 cockroach_7504 cockroach_9935
etcd_10492 etcd_5509 etcd_6708 etcd_6873 etcd_7443 etcd_7492 etcd_7902
grpc_1353 grpc_3017 grpc_795
hugo_3251 hugo_5379
istio_16224
kubernetes_10182 kubernetes_11298 kubernetes_13135 kubernetes_1321 kubernetes_26980
kubernetes_30872 kubernetes_58107 kubernetes_62464 kubernetes_6632
moby_25384 moby_27782 moby_28462 moby_29733 moby_30408 moby_36114 moby_4951 moby_7559
serving_2137
syncthing_4829
"

git --git-dir="$GIT_DIR" rev-parse --verify -q "$REV^{commit}" >/dev/null || {
  echo "$0: $GIT_DIR is not a git directory with $REV (clone timmyyuan/gobench first)" >&2
  exit 2
}
mkdir -p "$DEST"
n=0
for bug in $BUGS; do
  project=${bug%_*}
  id=${bug#*_}
  out="$DEST/$bug"
  rm -rf "$out"
  mkdir -p "$out"
  # archive | tar: the files only, without a work tree; 5 components = gobench/goker/blocking/<project>/<id>
  git --git-dir="$GIT_DIR" archive "$REV" "gobench/goker/blocking/$project/$id" | tar -x -C "$out" --strip-components=5
  n=$((n + 1))
done
echo "extracted $n GoKer kernels into $DEST at $(git --git-dir="$GIT_DIR" rev-parse --short "$REV")"
