# Common part of the qtfs launchers (bin/qtfsd, bin/qtfs, bin/mount.qtfs); sourced, not run.
# Finds a Java 25 or newer and the built class path, then execs a qtfs main class.
#
# Java is looked for, in this order:
#   $QTFS_JAVA        a java binary or a JDK directory (used as given; an error if unusable)
#   $JAVA_HOME        if it holds Java 25 or newer
#   $QTFS_JVM_DIR/temurin-25*, $QTFS_JVM_DIR/*25*, then any other JDK there (QTFS_JVM_DIR
#                     defaults to /usr/lib/jvm)
#   java on $PATH     if it is Java 25 or newer
# $QTFS_JAVA_OPTS adds JVM options (e.g. -Xmx256m).

QTFS_MIN_JAVA=25
# mount(8) may run the helper with a bare environment
PATH=${PATH:-/usr/sbin:/usr/bin:/sbin:/bin}

# The major version of a java binary, from its JDK's release file or from -version.
qtfs_java_major() {
    local java=$1 home version=""
    home=$(dirname "$(dirname "$(readlink -f -- "$java")")")
    if [[ -r $home/release ]]; then
        version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
    fi
    if [[ -z $version ]]; then
        version=$("$java" -version 2>&1 | sed -n '1s/.* version "\([0-9]*\).*/\1/p')
    fi
    printf '%s' "$version"
}

# Sets QTFS_JAVA_BIN or prints what was tried and returns 1.
qtfs_find_java() {
    local tried=() candidate major dir jvm_dir=${QTFS_JVM_DIR:-/usr/lib/jvm}
    if [[ -n ${QTFS_JAVA:-} ]]; then
        candidate=$QTFS_JAVA
        [[ -d $candidate ]] && candidate=$candidate/bin/java
        if [[ ! -x $candidate ]]; then
            echo "$QTFS_PROGRAM: QTFS_JAVA=$QTFS_JAVA is not a java binary or a JDK directory" >&2
            return 1
        fi
        major=$(qtfs_java_major "$candidate")
        if [[ -z $major || $major -lt $QTFS_MIN_JAVA ]]; then
            echo "$QTFS_PROGRAM: QTFS_JAVA=$QTFS_JAVA is Java ${major:-of unknown version}; qtfs needs Java $QTFS_MIN_JAVA or newer" >&2
            return 1
        fi
        QTFS_JAVA_BIN=$candidate
        return 0
    fi
    tried+=("QTFS_JAVA (not set)")
    if [[ -n ${JAVA_HOME:-} ]]; then
        if [[ -x $JAVA_HOME/bin/java ]]; then
            major=$(qtfs_java_major "$JAVA_HOME/bin/java")
            if [[ -n $major && $major -ge $QTFS_MIN_JAVA ]]; then
                QTFS_JAVA_BIN=$JAVA_HOME/bin/java
                return 0
            fi
            tried+=("JAVA_HOME=$JAVA_HOME (Java ${major:-?})")
        else
            tried+=("JAVA_HOME=$JAVA_HOME (no bin/java)")
        fi
    else
        tried+=("JAVA_HOME (not set)")
    fi
    local seen=" "
    for dir in "$jvm_dir"/temurin-25* "$jvm_dir"/*25* "$jvm_dir"/*; do
        [[ -x $dir/bin/java && $seen != *" $dir "* ]] || continue
        seen+="$dir "
        major=$(qtfs_java_major "$dir/bin/java")
        if [[ -n $major && $major -ge $QTFS_MIN_JAVA ]]; then
            QTFS_JAVA_BIN=$dir/bin/java
            return 0
        fi
        tried+=("$dir (Java ${major:-?})")
    done
    [[ $seen == " " ]] && tried+=("$jvm_dir/* (no JDK there)")
    if candidate=$(command -v java 2>/dev/null); then
        major=$(qtfs_java_major "$candidate")
        if [[ -n $major && $major -ge $QTFS_MIN_JAVA ]]; then
            QTFS_JAVA_BIN=$candidate
            return 0
        fi
        tried+=("java on PATH: $candidate (Java ${major:-?})")
    else
        tried+=("java on PATH (none)")
    fi
    {
        echo "$QTFS_PROGRAM: no Java $QTFS_MIN_JAVA or newer found. Tried:"
        printf '  %s\n' "${tried[@]}"
        echo "Install a Java $QTFS_MIN_JAVA runtime or set QTFS_JAVA to its java binary."
    } >&2
    return 1
}

# qtfsd keeps a descriptor open for every server file a client knows of (the kernel decides
# when to forget them), so its limit goes as high as the system allows, as virtiofsd does.
qtfs_raise_fd_limit() {
    local max
    max=$(cat /proc/sys/fs/nr_open 2>/dev/null) || max=1048576
    ulimit -Hn "$max" 2>/dev/null || true   # needs root (CAP_SYS_RESOURCE); else keep the hard limit
    ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
}

# qtfs_launch PROGRAM MAIN_CLASS ARGS...: the launcher's whole job.
qtfs_launch() {
    QTFS_PROGRAM=$1
    local main=$2
    shift 2
    local root lib
    # the launcher may be a symlink (/sbin/mount.qtfs): resolve to the real checkout
    root=$(dirname "$(dirname "$(dirname "$(readlink -f -- "${BASH_SOURCE[0]}")")")")
    lib=$root/build/lib
    if ! compgen -G "$lib/*.jar" >/dev/null; then
        echo "$QTFS_PROGRAM: qtfs is not built: no jars in $lib. Build it with: (cd $root && ./mvnw -q package -DskipTests)" >&2
        exit 1
    fi
    qtfs_find_java || exit 1
    # shellcheck disable=SC2086 # QTFS_JAVA_OPTS is a list of words
    exec "$QTFS_JAVA_BIN" --enable-native-access=ALL-UNNAMED ${QTFS_JAVA_OPTS:-} -cp "$lib/*" "$main" "$@"
}
