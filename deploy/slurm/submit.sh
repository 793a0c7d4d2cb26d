#!/bin/bash
# Fit once, score in a SLURM job array, merge: three jobs chained with --dependency=afterok.
#   deploy/slurm/submit.sh TASK METHOD SHARDS [extra run flags…]
#   deploy/slurm/submit.sh copa sadi-head 4
# Extra flags go to every shard's `run` (e.g. --limit 200); FIT_FLAGS to `fit` (e.g. "--pairs 100
# --ks 1,2,4"). Environment: SADI_EVAL (the binary, default sadi-eval on PATH), SADI_MODEL (the GGUF),
# SADI_CACHE (a data cache on shared storage), WORK (shared folder for the intervention,
# shard outputs and merged results; default $PWD/sadi-work).
set -euo pipefail
task=${1:?task}; method=${2:?method}; shards=${3:?number of shards}; shift 3
: "${SADI_EVAL:=sadi-eval}" "${WORK:=$PWD/sadi-work}"
export SADI_EVAL WORK
mkdir -p "$WORK/logs"
here=$(cd "$(dirname "$0")" && pwd)
common=(--export=ALL --chdir="$WORK" --output="$WORK/logs/%x-%A_%a.out")
if [ "$method" = baseline ]; then
  fit=""
else
  fit=$(sbatch --parsable "${common[@]}" --job-name="fit-$task-$method" \
    --wrap="$SADI_EVAL fit --task $task --method $method --output $WORK/$task-$method.json ${FIT_FLAGS:-}")
fi
array=$(sbatch --parsable "${common[@]}" ${fit:+--dependency=afterok:$fit} --array=0-$((shards - 1)) \
  --job-name="score-$task-$method" "$here/shard.sbatch" "$task" "$method" "$shards" "$@")
merge=$(sbatch --parsable "${common[@]}" --dependency=afterok:"$array" --job-name="merge-$task-$method" \
  --wrap="$SADI_EVAL merge $WORK/shards --output-dir $WORK/results")
echo "fit ${fit:-none}, shards $array (0-$((shards - 1))), merge $merge; results in $WORK/results"
