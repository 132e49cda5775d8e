# Sourced by bin/itdr and bin/itdr-demo: builds the distribution (./mvnw -DskipTests package) and shows which module is
# being built, instead of minutes of silence. Maven's full output goes to target/build.log; errors are shown as well.
itdr_build() {
  mkdir -p "$root/target"
  echo "$1: building it (./mvnw -DskipTests package; a few minutes the first time; full log in target/build.log)..." >&2
  itdr_status=$( { (cd "$root" && ./mvnw -B -ntp -DskipTests package 2>&1; echo "itdr-build-exit=$?") | tee "$root/target/build.log" |
    while IFS= read -r line; do
      case "$line" in
        "[INFO] Building "*) echo "  ${line#\[INFO\] Building }" | tr -s ' ' >&2 ;;
        "[ERROR]"*) echo "$line" >&2 ;;
        itdr-build-exit=*) echo "${line#itdr-build-exit=}" ;;
      esac
    done; } )
  if [ "$itdr_status" != 0 ]; then
    echo "$1: the build failed (exit $itdr_status); see target/build.log" >&2
    exit 1
  fi
}
