#!/bin/bash
# Fit, shards, merge on a Kubernetes cluster, each step after the previous one completes.
# The image (deploy/Containerfile) must be pushed where the manifests' `image:` points, and the
# model copied to models/ on the volume (e.g. through a helper pod) before the fit starts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubectl apply -f "$here/fit.yaml"
kubectl wait --for=condition=complete job/sadi-eval-fit --timeout=4h
kubectl apply -f "$here/shards.yaml"
kubectl wait --for=condition=complete job/sadi-eval-shards --timeout=24h
kubectl apply -f "$here/merge.yaml"
kubectl wait --for=condition=complete job/sadi-eval-merge --timeout=1h
kubectl logs job/sadi-eval-merge
