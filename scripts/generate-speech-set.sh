#!/usr/bin/env bash
# Generates a small Speech Commands-style word set with espeak-ng and sox, so keyword spotting can be
# tested and measured without downloading anything:
#   OUT/<word>/<speaker>_nohash_0.wav   one clip per speaker and word
#   OUT/_background_noise_/*.wav         white, pink and brown noise
# Utterance i of every word has the same "speaker" (voice, variant, speed, pitch), so Speech
# Commands' speaker-hash split keeps a speaker's clips together. Clips vary on purpose: some stay
# at espeak's 22 050 Hz, some are resampled to 16 kHz or 8 kHz, some are delayed and mixed with noise.
# Usage: scripts/generate-speech-set.sh OUT PER_WORD WORD...   (reuses OUT when it is complete)
set -euo pipefail
out=$1
per_word=$2
shift 2
words=("$@")
stamp="v1 $per_word ${words[*]}"
if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$stamp" ]; then exit 0; fi
command -v espeak-ng >/dev/null || { echo "generate-speech-set: espeak-ng is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
command -v sox >/dev/null || { echo "generate-speech-set: sox is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/_background_noise_"
for colour in white pink brown; do
  sox -n -r 16000 -b 16 -c 1 "$out/_background_noise_/${colour}_noise.wav" synth 3 "${colour}noise" vol 0.5
done

voices=(en-us en-gb en-gb-scotland en-gb-x-rp en-029 en-us-nyc en-gb-x-gbclan en-gb-x-gbcwmd)
variants=(m1 m2 m3 m4 f1 f2 f3 f4 m5 f5)
noise="$out/_background_noise_/white_noise.wav"

speak() { # word index
  local word=$1 i=$2
  local voice=${voices[$((i % ${#voices[@]}))]}
  local variant=${variants[$(((i / ${#voices[@]}) % ${#variants[@]}))]}
  local speed=$((120 + (i * 37) % 90))
  local pitch=$((25 + (i * 53) % 60))
  local speaker
  speaker=$(printf '%s' "$voice+$variant s$speed p$pitch" | sha1sum | cut -c1-8)
  local file="$out/$word/${speaker}_nohash_0.wav"
  local raw="$out/$word/.raw-$i.wav"
  espeak-ng -v "$voice+$variant" -s "$speed" -p "$pitch" -w "$raw" "$word"
  case $((i % 4)) in
    0) mv "$raw" "$file" ;;                                  # 22 050 Hz, as espeak writes it
    1) sox "$raw" -r 16000 "$file" && rm "$raw" ;;
    2) sox "$raw" -r 8000 "$file" && rm "$raw" ;;
    3) # delayed by up to 0.2 s and mixed with quiet noise, 16 kHz
      local delay
      delay=$(printf '0.%02d' $(((i * 7) % 20)))
      sox "$raw" -r 16000 "$raw.16k.wav" pad "$delay" 0
      sox -m "$raw.16k.wav" -v 0.04 "$noise" "$file" trim 0 1
      rm "$raw" "$raw.16k.wav" ;;
  esac
}

for word in "${words[@]}"; do
  mkdir -p "$out/$word"
  (for ((i = 0; i < per_word; i++)); do speak "$word" "$i"; done) &
  # Two words at a time: the machines have few cores.
  if (($(jobs -r | wc -l) >= 2)); then wait -n; fi
done
wait
echo "$stamp" >"$out/.complete"
