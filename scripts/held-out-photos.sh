#!/usr/bin/env bash
# Real photos of people for the double's tests (never committed): taken from Debian packages with `apt-get download`
# and unpacked into $MIRROR_HELD_OUT (default /var/cache/mirror/held-out-photos) without installing the packages.
#   grace_hopper.jpg  python-matplotlib-data (matplotlib sample data; US Navy photo, public domain)
#   astronaut.png     python3-skimage (scikit-image data; NASA photo of Eileen Collins, public domain)
#   camera.png        python3-skimage (scikit-image data: the "cameraman", a man in profile at a camera)
#   chelsea.png       python3-skimage (scikit-image data: a cat, a photo without a human face)
#   messi5.jpg        opencv-doc (OpenCV's sample data, examples/data/messi5.jpg, shipped under OpenCV's licence in
#                     Debian main: the footballer Lionel Messi kicking, his face turned ~17° and tipped down; the
#                     package is ~95 MB, downloaded once)
set -euo pipefail
dest="${MIRROR_HELD_OUT:-/var/cache/mirror/held-out-photos}"
want=(grace_hopper.jpg astronaut.png camera.png chelsea.png messi5.jpg)
have=0
for f in "${want[@]}"; do [[ -s "$dest/$f" ]] && have=$((have + 1)); done
((have == ${#want[@]})) && exit 0
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 777 "$work" # apt's download user writes here
pkgs=(python-matplotlib-data python3-skimage opencv-doc)
(cd "$work" && apt-get download -qq "${pkgs[@]}" >/dev/null 2>&1) || {
  apt-get update -qq && (cd "$work" && apt-get download -qq "${pkgs[@]}" >/dev/null)
}
mkdir -p "$work/x"
for deb in "$work"/*.deb; do
  # only the files wanted (opencv-doc unpacks to ~270 MB otherwise)
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/x" --wildcards '*/grace_hopper.jpg' '*/skimage/data/*.png' '*/examples/data/messi5.jpg' 2>/dev/null || true
done
cp "$work/x/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg" "$dest/"
cp "$work/x/usr/lib/python3/dist-packages/skimage/data/astronaut.png" "$work/x/usr/lib/python3/dist-packages/skimage/data/camera.png" "$work/x/usr/lib/python3/dist-packages/skimage/data/chelsea.png" "$dest/"
cp "$work/x/usr/share/doc/opencv-doc/examples/data/messi5.jpg" "$dest/"
echo "held-out photos in $dest"
