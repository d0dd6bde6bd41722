# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# scripts/lib/ksrc.sh: kernel source handling, one copy for scripts/vm-check,
# kernel-patches/check and kernel-patches/upstream/check (and what builds
# on them: a bisect step, another ARCH).  Sourced, not run.  See
# scripts/README.md "Kernel sources".
#
#   ks_init CACHE              where trees, builds and fetched packages live
#   ks_resolve SPEC            --source=SPEC -> KS_KIND KS_SPEC KS_MAJMIN ...
#   ks_fetch                   the tarball of a debian/tarball source
#   ks_stage                   the tree to build: unpacked (debian, tarball) or
#                              mirrored (a user's tree) -> KS_TREE KS_WORK
#   ks_series [DIR]            the series for the tree's version -> KS_PATCHES
#   ks_check_dirty             a user's tree dirty in files the series touches
#   ks_apply [N]               the series (its first N patches) onto KS_TREE
#   ks_configure NAME FRAG...  tinyconfig + fragments -> KS_BUILD/.config
#   ks_make ARGS...            make in the tree with ARCH (and CROSS_COMPILE)
#   ks_build TARGET...         out of tree into KS_BUILD, with ccache
#   ks_stock_locking           what MOVE serialises on without a policy
#   ks_kernel_json FILE ...    OUT/kernel.json (HACKING.md "Which kernel ran")
#
# Exit codes (the caller's convention): 2 bad input (unknown scheme, a
# version apt does not have, not a kernel tree, a tree dirty where the
# series patches, a series file naming a missing patch), 5 environment
# (apt-get download or unpack failed), and ks_apply's failing patch: 1 by
# default, KS_APPLY_FAIL_RC to change it.  Messages start with "$prog: ".
#
# Layout under CACHE (one vm-check per cache at a time; callers flock it):
#   debian/linux-source-M.m_VERSION.tar.xz   a pinned Debian package's tarball
#   kernels/KEY/linux-source-M.m             the tree (KEY: debian-VERSION,
#                                            tarball-SHA, tree-PATHHASH)
#   kernels/KEY/pristine/, applied-files     the series' files before patching
#   kernels/KEY/kconfig-NAME/, build-NAME/   configuration and build (O=)
# Every tree is KEY/linux-source-M.m (the name Debian's tarball has) and
# every build KEY/build-NAME, so with CCACHE_BASEDIR=CACHE the compiler
# sees ../linux-source-6.12/mm/x.c from every build directory: a file
# another 6.12 source has unchanged (another point release, a tarball, a
# user's tree of the same base) is a ccache hit, and so is one vm-check
# built before this layout (CACHE/linux-source-6.12 beside CACHE/build-NAME).

KS_ARCH=${KS_ARCH:-x86_64}
# a CROSS_COMPILE the caller's environment gives wins over the row's
KS_CROSS_COMPILE_GIVEN=${KS_CROSS_COMPILE:-}
KS_APPLY_FAIL_RC=${KS_APPLY_FAIL_RC:-1}
KS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

ks_note() { echo "${prog:-ksrc}: $*" >&2; }
ks_usage() { echo "${prog:-ksrc}: $*" >&2; exit 2; }
ks_env() { echo "${prog:-ksrc}: $*" >&2; exit 5; }

# What building a kernel for an architecture takes, one row each (what
# booting it takes is scripts/vm-check's arch_rows):
# name|kbuild ARCH|image target|image in the build tree|uname -m of a host
# that builds it natively|CROSS_COMPILE on any other host (Debian's
# gcc-TRIPLET)
ks_arch_rows=(
	"x86_64|x86_64|bzImage|arch/x86/boot/bzImage|x86_64|x86_64-linux-gnu-"
	"arm64|arm64|Image|arch/arm64/boot/Image|aarch64|aarch64-linux-gnu-"
)

# ks_arch ARCH: KS_KARCH, KS_IMAGE_TARGET, KS_IMAGE, KS_NATIVE and
# KS_CROSS_COMPILE (empty on a native host) from ARCH's row
ks_arch() {
	local row cross
	for row in "${ks_arch_rows[@]}"; do
		[[ ${row%%|*} == "$1" ]] || continue
		IFS='|' read -r KS_ARCH KS_KARCH KS_IMAGE_TARGET KS_IMAGE KS_NATIVE cross <<< "$row"
		KS_CROSS_COMPILE=$KS_CROSS_COMPILE_GIVEN
		[[ -n $KS_CROSS_COMPILE || $(uname -m) == "$KS_NATIVE" ]] || KS_CROSS_COMPILE=$cross
		return 0
	done
	ks_usage "unknown arch '$1' (allowed: $(printf '%s\n' "${ks_arch_rows[@]}" | cut -d'|' -f1 | paste -sd' ' | sed 's/ /, /g'))"
}
ks_arch "$KS_ARCH"

ks_init() {
	KS_CACHE=$1
	mkdir -p "$KS_CACHE" || ks_env "cannot create $KS_CACHE"
	KS_CACHE=$(cd "$KS_CACHE" && pwd)
}

ks_sha() { sha256sum | cut -c1-"${1:-64}"; }

# ks_apt_versions PKG: the versions apt knows, oldest first
ks_apt_versions() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -uV
}

# ks_version_of_tree DIR: VERSION.PATCHLEVEL.SUBLEVEL from the top Makefile
# (what `make kernelversion` prints, without running make in a user's tree)
ks_version_of_tree() {
	awk -F' *= *' '
	$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 } $1 == "SUBLEVEL" { s = $2 }
	$1 == "EXTRAVERSION" { print v "." p "." s $2; exit }' "$1/Makefile"
}

ks_is_tree() { [[ -f $1/Makefile && -f $1/Kconfig && -d $1/mm && -d $1/scripts/kconfig ]]; }

# ks_resolve SPEC: parse a --source value; no download, no unpack.  Sets
# KS_KIND (debian|tree|tarball), KS_SPEC (resolved: debian:6.12=VERSION,
# tree:/abs, tarball:/abs), KS_MAJMIN when known (debian; tree), KS_PKG and
# KS_PKGVER (debian), KS_PATH (tree, tarball).
ks_resolve() {
	local spec=$1 want inst avail
	KS_KIND= KS_SPEC= KS_MAJMIN= KS_PKG= KS_PKGVER= KS_PATH= KS_TARBALL= KS_HAS_MOVE= KS_KVERSION=
	case $spec in
	debian:*)
		KS_KIND=debian
		KS_MAJMIN=${spec#debian:} want=
		if [[ $KS_MAJMIN == *=* ]]; then
			want=${KS_MAJMIN#*=} KS_MAJMIN=${KS_MAJMIN%%=*}
		fi
		[[ $KS_MAJMIN =~ ^[0-9]+\.[0-9]+$ && ( $spec != *=* || -n $want ) ]] ||
			ks_usage "--source=$spec: expected debian:MAJOR.MINOR or debian:MAJOR.MINOR=VERSION (e.g. debian:6.12=6.12.117-1~deb12u1)"
		KS_PKG=linux-source-$KS_MAJMIN
		command -v apt-cache > /dev/null && command -v dpkg-deb > /dev/null ||
			ks_env "--source=$spec needs apt (apt-cache, apt-get, dpkg-deb); use a tree or a tarball"
		inst=$(dpkg-query -W -f='${Status} ${Version}' "$KS_PKG" 2>/dev/null |
			awk '$3 == "installed" { print $4 }')
		if [[ -z $want ]]; then
			# unpinned: the installed package, else what apt would install
			want=$inst
			[[ -n $want ]] || want=$(apt-cache policy "$KS_PKG" 2>/dev/null |
				awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }')
			[[ -n $want ]] || ks_usage "--source=$spec: apt knows no package $KS_PKG (apt-get update?)"
		elif [[ $want != "$inst" ]]; then
			avail=$(ks_apt_versions "$KS_PKG" | paste -sd' ')
			[[ " $avail " == *" $want "* || -f $KS_CACHE/debian/${KS_PKG}_$want.tar.xz ]] ||
				ks_usage "--source=$spec: apt has no $KS_PKG=$want (it has: ${avail:-none; apt-get update?})"
		fi
		KS_PKGVER=$want
		KS_SPEC=debian:$KS_MAJMIN=$want
		;;
	*)
		local p=$spec
		case $p in tree:*|tarball:*) p=${p#*:} ;; esac
		if [[ ! -e $p ]]; then
			if [[ $spec =~ ^[a-z][a-z0-9+]*: && $spec != tree:* && $spec != tarball:* ]]; then
				ks_usage "--source=$spec: unknown source scheme '${spec%%:*}:' (allowed: debian:MAJOR.MINOR[=VERSION], PATH to a kernel tree, PATH to a linux-*.tar.* tarball)"
			fi
			ks_usage "--source=$spec: no such file or directory (allowed: debian:MAJOR.MINOR[=VERSION], PATH to a kernel tree, PATH to a linux-*.tar.* tarball)"
		fi
		if [[ -d $p ]]; then
			KS_PATH=$(cd "$p" && pwd)
			ks_is_tree "$KS_PATH" ||
				ks_usage "--source=$spec: not a kernel source tree (no Makefile, Kconfig, mm/ and scripts/kconfig/ at its top)"
			KS_KIND=tree KS_SPEC=tree:$KS_PATH
			local v
			v=$(ks_version_of_tree "$KS_PATH")
			[[ $v =~ ^([0-9]+)\.([0-9]+) ]] ||
				ks_usage "--source=$spec: cannot read VERSION/PATCHLEVEL from $KS_PATH/Makefile"
			KS_MAJMIN=${BASH_REMATCH[1]}.${BASH_REMATCH[2]}
			KS_KVERSION=$v
			KS_HAS_MOVE=0
			grep -q '_UFFDIO_MOVE' "$KS_PATH/include/uapi/linux/userfaultfd.h" 2>/dev/null && KS_HAS_MOVE=1
		elif [[ $(basename "$p") == linux-*.tar.* ]]; then
			KS_PATH=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
			KS_KIND=tarball KS_SPEC=tarball:$KS_PATH KS_TARBALL=$KS_PATH
		else
			ks_usage "--source=$spec: neither a kernel tree nor a linux-*.tar.* tarball"
		fi
		;;
	esac
}

# ks_fetch: KS_TARBALL of a debian source (the installed package's, or
# downloaded with apt-get into CACHE/debian/ and kept there, so a later apt
# upgrade changes nothing) or of a tarball source (its sha256: KS_TARBALL_SHA)
ks_fetch() {
	case $KS_KIND in
	debian)
		local inst kept=$KS_CACHE/debian/${KS_PKG}_$KS_PKGVER.tar.xz dl deb
		inst=$(dpkg-query -W -f='${Status} ${Version}' "$KS_PKG" 2>/dev/null |
			awk '$3 == "installed" { print $4 }')
		if [[ -f $kept ]]; then
			KS_TARBALL=$kept
		elif [[ $inst == "$KS_PKGVER" && -f /usr/src/$KS_PKG.tar.xz ]]; then
			KS_TARBALL=/usr/src/$KS_PKG.tar.xz
		else
			ks_note "fetching $KS_PKG=$KS_PKGVER with apt-get download into $KS_CACHE/debian"
			mkdir -p "$KS_CACHE/debian" || ks_env "cannot create $KS_CACHE/debian"
			dl=$(mktemp -d "$KS_CACHE/debian/dl.XXXXXX")
			(cd "$dl" && apt-get download "$KS_PKG=$KS_PKGVER") > "$dl/apt.log" 2>&1 ||
				{ local why; why=$(grep -E '^(E|W):' "$dl/apt.log" | head -1); rm -rf "$dl"
				  ks_env "apt-get download $KS_PKG=$KS_PKGVER failed: ${why:-see apt-get}"; }
			deb=$(ls "$dl"/*.deb 2>/dev/null | head -1)
			if [[ -z $deb ]] || ! dpkg-deb --fsys-tarfile "$deb" |
				tar -xO "./usr/src/$KS_PKG.tar.xz" > "$dl/t.tar.xz" || [[ ! -s $dl/t.tar.xz ]]; then
				rm -rf "$dl"
				ks_env "$KS_PKG=$KS_PKGVER: no /usr/src/$KS_PKG.tar.xz in the package"
			fi
			mv "$dl/t.tar.xz" "$kept" && rm -rf "$dl"
			KS_TARBALL=$kept
		fi
		;;
	tarball)
		[[ -r $KS_TARBALL ]] || ks_env "cannot read $KS_TARBALL"
		KS_TARBALL_SHA=$(ks_sha < "$KS_TARBALL")
		;;
	esac
}

# ks_key: the cache directory of this source
ks_key() {
	case $KS_KIND in
	debian) echo "debian-$KS_PKGVER" ;;
	tarball) echo "tarball-${KS_TARBALL_SHA:0:16}" ;;
	tree) echo "tree-$(printf '%s' "$KS_PATH" | ks_sha 16)" ;;
	esac
}

# ks_stage: the tree vm-check builds from, CACHE/kernels/KEY/linux-source-M.m.
# debian/tarball: unpacked once (into a temporary directory, then renamed:
# an interrupted unpack leaves nothing half done).  tree: identity first
# (KS_GIT_HEAD, KS_DIRTY, KS_SOURCE_ID); the mirror is brought up to date by
# ks_apply, after the series applied (a series that does not apply changes
# nothing).  Sets KS_WORK, KS_TREE, KS_KVERSION, KS_MAJMIN, KS_SOURCE_ID.
ks_stage() {
	local key tmp top
	key=$(ks_key)
	KS_WORK=$KS_CACHE/kernels/$key
	# a tarball's version is known once unpacked: the tree it left
	KS_TREE=$KS_WORK/linux-source-$KS_MAJMIN
	[[ -n $KS_MAJMIN ]] || KS_TREE=$(ls -d "$KS_WORK"/linux-source-* 2>/dev/null | head -1)
	KS_GIT_HEAD= KS_DIRTY=false KS_DIRTY_HASH= KS_ORIGIN=
	mkdir -p "$KS_WORK" || ks_env "cannot create $KS_WORK"
	case $KS_KIND in
	debian|tarball)
		if [[ ! -f $KS_WORK/unpacked || ! -f $KS_TREE/Makefile ]]; then
			ks_note "unpacking $KS_TARBALL into $KS_WORK"
			rm -rf "$KS_WORK"/linux-source-* "$KS_WORK"/unpack.* "$KS_WORK/pristine" "$KS_WORK/applied-files" "$KS_WORK/unpacked"
			tmp=$(mktemp -d "$KS_WORK/unpack.XXXXXX")
			tar -C "$tmp" -xf "$KS_TARBALL" || { rm -rf "$tmp"; ks_env "cannot unpack $KS_TARBALL"; }
			top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
			if [[ -z $top ]] || ! ks_is_tree "$top"; then
				rm -rf "$tmp"
				if [[ $KS_KIND == tarball ]]; then
					ks_usage "--source=$KS_PATH: the tarball does not hold a kernel tree"
				fi
				ks_env "$KS_TARBALL does not hold a kernel tree"
			fi
			[[ $(ks_version_of_tree "$top") =~ ^([0-9]+)\.([0-9]+) ]] ||
				{ rm -rf "$tmp"; ks_env "$KS_TARBALL: no VERSION/PATCHLEVEL in its Makefile"; }
			KS_TREE=$KS_WORK/linux-source-${BASH_REMATCH[1]}.${BASH_REMATCH[2]}
			mv "$top" "$KS_TREE" && rm -rf "$tmp"
			echo "$KS_SPEC" > "$KS_WORK/unpacked"
		fi
		if [[ $KS_KIND == debian ]]; then
			KS_SOURCE_ID=$KS_PKGVER
		else
			KS_SOURCE_ID=sha256:$KS_TARBALL_SHA
		fi
		;;
	tree)
		ks_tree_identity
		;;
	esac
	KS_KVERSION=$(ks_version_of_tree "${KS_ORIGIN:-$KS_TREE}")
	[[ $KS_KVERSION =~ ^([0-9]+)\.([0-9]+) ]] && KS_MAJMIN=${BASH_REMATCH[1]}.${BASH_REMATCH[2]}
	KS_HAS_MOVE=0
	grep -q '_UFFDIO_MOVE' "${KS_ORIGIN:-$KS_TREE}/include/uapi/linux/userfaultfd.h" 2>/dev/null && KS_HAS_MOVE=1
	return 0
}

# what the tree is: git HEAD, describe, dirty (tracked changes or untracked
# files git does not ignore: both reach the build), a hash of the dirty
# content so two different dirty states are two kernels.  Only reads: git
# with --no-optional-locks never refreshes the user's index.
ks_tree_identity() {
	local g=(git --no-optional-locks -C "$KS_PATH") st desc
	KS_ORIGIN=$KS_PATH
	if "${g[@]}" rev-parse --is-inside-work-tree > /dev/null 2>&1 &&
	   [[ $("${g[@]}" rev-parse --show-toplevel) == "$KS_PATH" ]]; then
		KS_GIT_HEAD=$("${g[@]}" rev-parse HEAD 2>/dev/null)
		desc=$("${g[@]}" describe --tags --always 2>/dev/null)
		st=$("${g[@]}" status --porcelain 2>/dev/null)
		if [[ -n $st ]]; then
			KS_DIRTY=true
			KS_DIRTY_HASH=$({ "${g[@]}" diff HEAD --binary
					  "${g[@]}" ls-files -z --others --exclude-standard |
						(cd "$KS_PATH" && xargs -0r sha256sum); } | ks_sha 12)
			desc+=-dirty
		fi
		KS_SOURCE_ID=$desc
	else
		# a plain directory: no history, no dirtiness; its files' names,
		# sizes and times identify it
		[[ -e $KS_PATH/.config || -d $KS_PATH/include/config ]] &&
			ks_usage "--source=$KS_PATH: has an in-tree build (.config or include/config/); vm-check builds out of tree: 'make mrproper' it or use a clean tree"
		KS_DIRTY=null
		KS_SOURCE_ID=plain:$(cd "$KS_PATH" && find . -type f ! -path './.git/*' -printf '%P %s %T@\n' |
			LC_ALL=C sort | ks_sha 16)
	fi
}

# ks_series [DIR]: the patch series for the tree: DIR (--patches), else
# TOP/kernel-patches/MAJOR.MINOR/ when there is one, else none
# (KS_SERIES_WHY says why).  A directory's series is its quilt-style
# `series` file (one patch per line, relative to the directory, # comments)
# if it has one, else its *.patch in name order.  Sets KS_SERIES_DIR,
# KS_SERIES_NAME, KS_PATCHES (array), KS_SERIES_HASH (sha256 of the patches
# in order), KS_SERIES_WHY.
ks_series() {
	local dir=${1:-} line n=0 p
	KS_PATCHES=() KS_SERIES_DIR= KS_SERIES_NAME=none KS_SERIES_HASH= KS_SERIES_WHY=
	if [[ -z $dir ]]; then
		dir=$KS_TOP/kernel-patches/$KS_MAJMIN
		if [[ ! -d $dir ]]; then
			KS_SERIES_WHY="no series for Linux $KS_MAJMIN (kernel-patches/$KS_MAJMIN/ does not exist)"
			return 0
		fi
	fi
	[[ -d $dir ]] || ks_usage "--patches=$dir: not a directory"
	KS_SERIES_DIR=$(cd "$dir" && pwd)
	KS_SERIES_NAME=${KS_SERIES_DIR#"$KS_TOP"/}
	if [[ -f $KS_SERIES_DIR/series ]]; then
		while IFS= read -r line || [[ -n $line ]]; do
			n=$((n + 1))
			line=${line%%#*}
			read -r p _ <<< "$line"
			[[ -n $p ]] || continue
			[[ -f $KS_SERIES_DIR/$p ]] ||
				ks_usage "$KS_SERIES_NAME/series: line $n: no patch $p"
			KS_PATCHES+=("$(cd "$(dirname "$KS_SERIES_DIR/$p")" && pwd)/$(basename "$p")")
		done < "$KS_SERIES_DIR/series"
	else
		KS_PATCHES=("$KS_SERIES_DIR"/*.patch)
		[[ -e ${KS_PATCHES[0]:-} ]] || KS_PATCHES=()
	fi
	if [[ ${#KS_PATCHES[@]} -gt 0 ]]; then
		KS_SERIES_HASH=$(cat "${KS_PATCHES[@]}" | ks_sha)
	else
		KS_SERIES_HASH=$(ks_sha < /dev/null)
	fi
}

# ks_rel PATH: PATH relative to the source tree when inside it (messages)
ks_rel() { echo "${1#"$KS_TOP"/}"; }

# ks_patch_files PATCH...: the files the patches touch, sorted
ks_patch_files() {
	[[ $# -gt 0 ]] || return 0
	awk '
	/^(\+\+\+|---) / {
		f = $2
		sub(/\t.*/, "", f)
		if (f == "/dev/null")
			next
		sub(/^[ab]\//, "", f)
		print f
	}' "$@" | sort -u
}

# ks_check_dirty: a user's git tree with uncommitted changes in a file the
# series patches is refused (exit 2): the result would mix the two
ks_check_dirty() {
	[[ $KS_KIND == tree && $KS_DIRTY == true && ${#KS_PATCHES[@]} -gt 0 ]] || return 0
	local -a files=() hit=()
	local f
	mapfile -t files < <(ks_patch_files "${KS_PATCHES[@]}")
	mapfile -t hit < <(git --no-optional-locks -C "$KS_PATH" status --porcelain -- "${files[@]}" 2>/dev/null |
		cut -c4- | sort -u)
	[[ ${#hit[@]} -eq 0 ]] && return 0
	f="${hit[*]:0:3}"
	[[ ${#hit[@]} -gt 3 ]] && f+=" (+$(( ${#hit[@]} - 3 )) more)"
	ks_usage "--source=$KS_PATH: uncommitted changes in file(s) the series $KS_SERIES_NAME patches: $f; commit or stash them"
}

# ks_apply_fail PATCH LOG: name the patch, then each failing file and hunk
# (number and @@ header as written in the patch), one line each
ks_apply_fail() {
	local p=$1 log=$2 lines
	lines=$(grep -E '^(patching file|Hunk #[0-9]+ FAILED|.*malformed|.*Reversed|.*can.t find file)' <<< "$log" |
		awk '/^patching file/ { file = $3; next } { print file "\t" $0 }')
	echo "${prog:-ksrc}: patch does not apply: $(ks_rel "$p") (to $KS_SPEC plus the patches before it); nothing was changed" >&2
	[[ -n $lines ]] || { sed 's/^/  /' <<< "$log" >&2; return; }
	while IFS=$'\t' read -r hf what; do
		local hn hdr=
		if [[ $what =~ ^Hunk\ \#([0-9]+) ]]; then
			hn=${BASH_REMATCH[1]}
			hdr=$(awk -v f="$hf" -v n="$hn" '
			/^\+\+\+ / { g = $2; sub(/\t.*/, "", g); sub(/^b\//, "", g); in_f = (g == f); k = 0; next }
			in_f && /^@@ / { if (++k == n) { print; exit } }' "$p")
		fi
		echo "  ${hf:+$hf: }$what${hdr:+ [$hdr]}" >&2
	done <<< "$lines"
}

# ks_apply [N]: apply the series (its first N patches) to copies of the
# pristine files it touches in a staging directory, then copy into the tree
# only the files whose content changed (make rebuilds only those).  Files
# the last series touched and this one does not get their pristine content
# back.  A patch that does not apply stops (KS_APPLY_FAIL_RC) before the
# tree changes.  A user's tree: the pristine files are read from it now,
# and the mirror is brought up to date after the series applied, leaving
# the patched files alone.  Sets KS_CHANGED (files changed in the tree).
ks_apply() {
	local n=${1:-${#KS_PATCHES[@]}}
	local -a series=("${KS_PATCHES[@]:0:$n}") files=()
	local pristine=$KS_WORK/pristine applied=$KS_WORK/applied-files origin stage f p log
	mapfile -t files < <({ ks_patch_files "${series[@]}"; [[ -f $applied ]] && cat "$applied"; } | sort -u)
	mkdir -p "$pristine"
	for f in "${files[@]}"; do
		if [[ $KS_KIND == tree ]]; then
			# the user's file as it is now
			origin=$KS_PATH/$f
			if [[ -f $origin ]]; then
				mkdir -p "$(dirname "$pristine/$f")"
				rm -f "$pristine/$f.absent"
				cmp -s "$origin" "$pristine/$f" || cp -p "$origin" "$pristine/$f"
			else
				rm -f "$pristine/$f"
				mkdir -p "$(dirname "$pristine/$f")"
				: > "$pristine/$f.absent"
			fi
			continue
		fi
		[[ -e $pristine/$f || -e $pristine/$f.absent ]] && continue
		mkdir -p "$(dirname "$pristine/$f")"
		if [[ -e $KS_TREE/$f ]]; then
			cp -p "$KS_TREE/$f" "$pristine/$f"
		else
			: > "$pristine/$f.absent"
		fi
	done
	stage=$(mktemp -d "$KS_WORK/stage.XXXXXX")
	for f in "${files[@]}"; do
		[[ -e $pristine/$f ]] || continue
		mkdir -p "$(dirname "$stage/$f")"
		cp -p "$pristine/$f" "$stage/$f"
	done
	for p in "${series[@]}"; do
		if ! log=$(patch -d "$stage" -p1 --batch --forward --fuzz=0 \
				--no-backup-if-mismatch -r - -i "$p" 2>&1); then
			rm -rf "$stage"
			ks_apply_fail "$p" "$log"
			exit "$KS_APPLY_FAIL_RC"
		fi
	done
	[[ $KS_KIND == tree ]] && ks_mirror "${files[@]}"
	KS_CHANGED=0
	for f in "${files[@]}"; do
		if [[ -e $stage/$f ]]; then
			if ! cmp -s "$stage/$f" "$KS_TREE/$f"; then
				mkdir -p "$(dirname "$KS_TREE/$f")"
				cp "$stage/$f" "$KS_TREE/$f"
				KS_CHANGED=$((KS_CHANGED + 1))
			fi
		elif [[ -e $KS_TREE/$f ]]; then
			rm -f "$KS_TREE/$f"
			KS_CHANGED=$((KS_CHANGED + 1))
		fi
	done
	rm -rf "$stage"
	ks_patch_files "${series[@]}" > "$applied"
}

# ks_mirror EXCLUDED...: bring the mirror (KEY/linux-source-M.m) up to date
# with the user's tree.  The files are what git sees in it (tracked and untracked,
# not ignored, not deleted; a plain directory: all of them), minus the
# EXCLUDED files (the series', which ks_apply writes).  rsync copies what
# differs in size or time and keeps the user's times (make rebuilds what
# the user changed); files gone from the tree go from the mirror.  The
# first run copies the whole tree.  Never writes the user's tree.
ks_mirror() {
	local list=$KS_WORK/mirror-files ex=$KS_WORK/mirror-exclude t0=$SECONDS
	local g=(git --no-optional-locks -C "$KS_PATH")
	printf '%s\n' "$@" | LC_ALL=C sort -u > "$ex"
	[[ -d $KS_TREE ]] || ks_note "mirroring $KS_PATH into $KS_TREE (first time: the whole tree)"
	mkdir -p "$KS_TREE"
	if [[ -n $KS_GIT_HEAD ]]; then
		LC_ALL=C comm -23 <("${g[@]}" ls-files --cached --others --exclude-standard | LC_ALL=C sort -u) \
			<("${g[@]}" ls-files --deleted | LC_ALL=C sort -u)
	else
		(cd "$KS_PATH" && find . -mindepth 1 \( -type f -o -type l \) ! -path './.git/*' -printf '%P\n') |
			LC_ALL=C sort -u
	fi | LC_ALL=C comm -23 - "$ex" > "$list"
	rsync -a --files-from="$list" "$KS_PATH"/ "$KS_TREE"/ > "$KS_WORK/rsync.log" 2>&1 ||
		ks_env "rsync $KS_PATH -> $KS_TREE failed (see $KS_WORK/rsync.log)"
	(cd "$KS_TREE" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\n') | LC_ALL=C sort |
		LC_ALL=C comm -23 - <(LC_ALL=C sort -u "$list" "$ex") |
		(cd "$KS_TREE" && xargs -r -d '\n' rm -f --)
	KS_MIRROR_SECS=$((SECONDS - t0))
}

# ks_make ARGS...: make in the tree, for KS_ARCH (CROSS_COMPILE if set)
ks_make() {
	make -C "$KS_TREE" ARCH="$KS_KARCH" ${KS_CROSS_COMPILE:+CROSS_COMPILE="$KS_CROSS_COMPILE"} "$@"
}

# ks_configure NAME WARNINGS FRAG...: tinyconfig + the fragments
# (merge_config.sh, later ones win), then olddefconfig, in
# KEY/kconfig-NAME; every option a fragment asks for that is not in the
# final .config is a line of WARNINGS (FRAGMENT, the line, why: a symbol
# the tree does not have, or not set: a dependency it lacks), and printed.
# The .config is copied into KEY/build-NAME only when it changed.  Sets
# KS_BUILD, KS_CONFIG_HASH (sha256 of the fragments, in order).
ks_configure() {
	local name=$1 warn=$2
	shift 2
	local kc=$KS_WORK/kconfig-$name f log=$KS_WORK/kconfig-$name.log
	for f in "$@"; do [[ -f $f ]] || ks_env "missing config fragment $f"; done
	mkdir -p "$kc"
	{
		ks_make O="$kc" tinyconfig &&
		"$KS_TREE/scripts/kconfig/merge_config.sh" -m -O "$kc" "$kc/.config" "$@" &&
		ks_make O="$kc" olddefconfig
	} > "$log" 2>&1 || { tail -20 "$log" >&2; ks_env "kernel configuration failed (see $log)"; }
	awk '
	FNR == NR { have[$0] = 1; next }
	/^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s); want[s] = $0; from[s] = FILENAME; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { want[$2] = $0; from[$2] = FILENAME; next }
	END {
		for (s in want) {
			w = want[s]
			if (w ~ /^#/) {
				if ((s "=y") in have || (s "=m") in have)
					printf "%s\t%s\tis set\n", from[s], w
			} else if (!(w in have))
				printf "%s\t%s\t%s\n", from[s], w, ((("# " s " is not set") in have) ? "set" : "absent")
		}
	}' "$kc/.config" "$@" | sort > "$warn.tmp"
	: > "$warn"
	local from want why sym
	while IFS=$'\t' read -r from want why; do
		sym=${want#\# } sym=${sym%%[= ]*} sym=${sym#CONFIG_}
		case $why in
		absent)
			if grep -rqsE --include='Kconfig*' "^[[:space:]]*(menu)?config[[:space:]]+$sym\$" "$KS_TREE"; then
				why="absent (unmet dependency)"
			else
				why="absent: this tree has no CONFIG_$sym"
			fi ;;
		set) why="is not set (unmet dependency?)" ;;
		esac
		printf '%s\t%s\t%s\n' "$from" "$want" "$why" >> "$warn"
		ks_note "warning: ${from##*/} asks for '$want' but .config: $why"
	done < "$warn.tmp"
	rm -f "$warn.tmp"
	KS_CONFIG_HASH=$(cat "$@" | ks_sha)
	KS_KCONFIG=$kc/.config
	KS_BUILD=$KS_WORK/build-$name
	mkdir -p "$KS_BUILD"
	cmp -s "$kc/.config" "$KS_BUILD/.config" || cp "$kc/.config" "$KS_BUILD/.config"
}

# ks_build LOG [TARGET...]: make (TARGETs) out of tree in KS_BUILD, with
# ccache when installed ($MOVESTRESS_CCACHE_DIR, else CACHE/ccache;
# CCACHE_BASEDIR=CACHE) and fixed KBUILD_BUILD_* (a wiped build tree still
# hits).  KS_JOBS: -j.
ks_build() {
	local log=$1 cc=${KS_CROSS_COMPILE}gcc
	shift
	command -v ccache > /dev/null && cc="ccache $cc"
	CCACHE_DIR=${MOVESTRESS_CCACHE_DIR:-$KS_CACHE/ccache} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G} \
	CCACHE_BASEDIR=$KS_CACHE \
	KBUILD_BUILD_TIMESTAMP='@0' KBUILD_BUILD_USER=movestress KBUILD_BUILD_HOST=vm-check \
		ks_make O="$KS_BUILD" CC="$cc" -j"${KS_JOBS:-2}" "$@" > "$log" 2>&1
}

# ks_stock_locking: what UFFDIO_MOVE serialises against rmap walkers on,
# booted without a policy, read from the patched tree's source:
# move_pages_pte() taking the source anon_vma write lock ("anon_vma",
# 6.8 to at least 6.18 and this repository's series by default), or not
# (Lokesh Gidra's "mm/userfaultfd: don't lock anon_vma when performing
# UFFDIO_MOVE", after "mm: always call rmap_walk() on locked folios":
# "folio (upstream series)"); no UFFDIO_MOVE at all: "none (no UFFDIO_MOVE)"
ks_stock_locking() {
	local uf=$KS_TREE/mm/userfaultfd.c body
	[[ $KS_HAS_MOVE == 1 ]] || { echo "none (no UFFDIO_MOVE)"; return; }
	body=$(awk '/^static [a-z_ ]*move_pages_ptes?\(/ { on = 1 } on { print } on && /^}/ { exit }' "$uf" 2>/dev/null)
	if [[ -z $body ]]; then
		echo unknown
	elif grep -qE 'anon_vma_(try)?lock_write' <<< "$body"; then
		echo anon_vma
	else
		echo "folio (upstream series)"
	fi
}

# ks_kernel_json FILE CONFIG ACCEL: the kernel identity (kernel-id.md)
# from what ks_* found and the build's kernel.release
ks_kernel_json() {
	local file=$1 config=$2 accel=$3 release label series_label
	release=$(cat "$KS_BUILD/include/config/kernel.release" 2>/dev/null)
	case $KS_KIND in
	debian) label=$KS_PKGVER ;;
	tarball) label=$KS_KVERSION@${KS_TARBALL_SHA:0:8} ;;
	tree) label=$KS_SOURCE_ID; [[ -n $KS_DIRTY_HASH ]] && label+=.$KS_DIRTY_HASH
	      [[ $KS_SOURCE_ID == plain:* ]] && label=$KS_KVERSION@${KS_SOURCE_ID#plain:}
	      label=${label:0:60} ;;
	esac
	series_label=none
	[[ $KS_SERIES_NAME != none ]] && series_label=$(basename "$KS_SERIES_NAME")@${KS_SERIES_HASH:0:8}
	jq -n --arg kv "$KS_KVERSION" --arg rel "$release" --arg src "$KS_SPEC" --arg kind "$KS_KIND" \
		--arg sid "$KS_SOURCE_ID" --arg head "$KS_GIT_HEAD" --arg dirty "$KS_DIRTY" \
		--arg dh "$KS_DIRTY_HASH" --arg series "$KS_SERIES_NAME" --arg sh "$KS_SERIES_HASH" \
		--arg np "${#KS_PATCHES[@]}" --arg cfg "$config" --arg ch "$KS_CONFIG_HASH" \
		--arg arch "$KS_ARCH" --arg accel "$accel" --arg lock "$(ks_stock_locking)" \
		--arg id "$label/$series_label/$config/$KS_ARCH" \
		'{schema: 1, kernelversion: $kv, release: (if $rel == "" then null else $rel end),
		  source: $src, source_kind: $kind, source_id: $sid,
		  git_head: (if $head == "" then null else $head end),
		  dirty: ($dirty | fromjson), dirty_hash: (if $dh == "" then null else $dh end),
		  series: $series, series_patches: ($np | tonumber),
		  series_hash: (if $series == "none" then null else $sh end),
		  config: $cfg, config_hash: $ch, arch: $arch,
		  accel: (if $accel == "" then null else $accel end),
		  stock_locking: $lock, id: $id}' > "$file"
}
