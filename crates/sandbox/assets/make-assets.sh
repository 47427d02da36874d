#!/usr/bin/env bash
# Regenerates the sandbox's sample outputs: a short H.264/AAC MP4 per aspect ratio and a
# JPEG of its last frame. Needs ffmpeg (Debian package `ffmpeg`); the results are
# committed, so neither the build nor the tests need it.
set -euo pipefail
cd "$(dirname "$0")"
declare -A sizes=([1x1]=240x240 [21x9]=448x192 [4x3]=320x240 [3x4]=240x320 [16x9]=384x216 [9x16]=216x384)
for name in "${!sizes[@]}"; do
  size=${sizes[$name]}
  ffmpeg -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=12:duration=2" \
    -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=2" \
    -c:v libx264 -profile:v baseline -pix_fmt yuv420p -crf 38 -preset veryslow \
    -c:a aac -b:a 24k -movflags +faststart -shortest "sample-${name}.mp4"
  ffmpeg -loglevel error -y -sseof -0.1 -i "sample-${name}.mp4" -frames:v 1 -q:v 8 "sample-${name}.jpg"
done
