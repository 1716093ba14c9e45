#!/usr/bin/env python3
"""The images of deploy/docker/ checked without a Docker daemon (none runs here, and no network).

Each Dockerfile must build on Debian 12 (`FROM debian:12 AS build`, the project's release preset)
and run on Debian 12 slim: its final stage installs packages with --no-install-recommends, none of
them a -dev package and each one known to apt (`apt-cache show`), runs as a numeric user other
than root, exposes its ports and has a HEALTHCHECK through `himaya health`. Above all the image
must start: every shared library each copied binary needs (ldd on the binary of this build tree,
each library mapped to its Debian package with `dpkg -S`) is installed by the final stage itself,
by the packages it pulls in (their dependencies, as apt resolves them), or by Debian 12 slim's own
packages (priority required, and apt's). A few packages are data a binary opens at run time
rather than links to (time zones, fonts): RUNTIME_DATA names them.

Negative cases: Dockerfiles made wrong on purpose (a library left out, root, a -dev package, no
HEALTHCHECK, ...) are each refused with the reason.

Usage: HIMAYA_BIN_DIR=BUILD/bin dockerfiles_test.py [unittest arguments] (default: build/dev/bin)
"""

import functools
import os
import re
import shlex
import subprocess
import unittest

DOCKER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docker")
IMAGES = ("registration", "beneficiary", "claims", "contributions", "notification", "gateway")
# Files a binary opens at run time, by package: absl::LoadTimeZone reads tzdata's zoneinfo (the
# services' --time_zone, Africa/Casablanca), beneficiary draws certificates with these fonts.
RUNTIME_DATA = {
    "himaya-registration": ["tzdata"],
    "himaya-beneficiary": ["tzdata", "fonts-hosny-amiri", "fonts-dejavu-core"],
    "himaya-claims": ["tzdata"],
    "himaya-contributions": ["tzdata"],
    "himaya-notification": ["tzdata"],
    "himaya-gateway": ["tzdata"],
}
# Ports each image must expose: gRPC and /metrics, and the HTTP ones of the gateway and
# notification (Kannel's delivery reports).
PORTS = {"gateway": {"8080"}, "notification": {"8081"}}
# The build tree whose binaries are checked (CTest gives its own).
BIN_DIR = os.environ.get("HIMAYA_BIN_DIR", os.path.join(DOCKER_DIR, "..", "..", "build", "dev", "bin"))


class DockerfileError(Exception):
    pass


def instructions(text):
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    result = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, args = current.partition(" ")
        result.append((keyword.upper(), args.strip()))
        current = ""
    if current:
        raise DockerfileError("the last instruction ends with a line continuation")
    return result


def stages(text):
    """The stages: a list of {"from": image, "name": alias or None, "body": [(KEYWORD, args)]}."""
    result = []
    for keyword, args in instructions(text):
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            if len(words) not in (1, 3) or (len(words) == 3 and name is None):
                raise DockerfileError(f"FROM {args}: expected 'FROM IMAGE [AS NAME]'")
            result.append({"from": words[0], "name": name, "body": []})
        elif not result:
            if keyword != "ARG":
                raise DockerfileError(f"{keyword} before the first FROM")
        else:
            result[-1]["body"].append((keyword, args))
    return result


def installed_packages(stage):
    """Packages the stage installs with apt-get install; refuses an install without
    --no-install-recommends."""
    packages = []
    for keyword, args in stage["body"]:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", args):
            words = shlex.split(command)
            if len(words) >= 2 and words[0] in ("apt-get", "apt") and words[1] == "install":
                if "--no-install-recommends" not in words:
                    raise DockerfileError("the final stage's apt-get install lacks --no-install-recommends")
                packages += [w for w in words[2:] if not w.startswith("-")]
    return packages


def copied_binaries(stage):
    """The binaries the final stage copies from the build stage (basenames under bin/)."""
    binaries = []
    for keyword, args in stage["body"]:
        if keyword == "COPY" and "--from=build" in args:
            sources = [w for w in args.split() if not w.startswith("--")][:-1]
            binaries += [os.path.basename(s) for s in sources if "/bin/" in s]
    return binaries


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def packages_of(paths):
    """{path: the Debian package holding it} (one dpkg -S for all; usr-merged paths tried both
    ways, since ldd may name /lib/... where dpkg recorded /usr/lib/...)."""
    variants = {}
    for path in paths:
        other = path[len("/usr"):] if path.startswith("/usr/") else "/usr" + path
        variants[path] = (path, other)
    answer = run(["dpkg", "-S", *sorted({v for pair in variants.values() for v in pair})])
    owner = {}
    for line in answer.stdout.splitlines():
        package, _, path = line.partition(": ")
        owner[path.strip()] = package.split(",")[0].split(":")[0].strip()
    result = {}
    for path, pair in variants.items():
        found = [owner[v] for v in pair if v in owner]
        if not found:
            raise DockerfileError(f"{path}: no Debian package holds it (dpkg -S)")
        result[path] = found[0]
    return result


@functools.lru_cache(maxsize=None)
def libraries_needed(binary):
    """{library path: package} of every shared library `binary` loads (ldd)."""
    path = os.path.join(BIN_DIR, binary)
    if not os.path.exists(path):
        raise DockerfileError(f"{path}: not built (build the target that makes {binary} first)")
    answer = run(["ldd", path])
    if answer.returncode != 0:
        raise DockerfileError(f"ldd {path}: {answer.stderr.strip()}")
    libraries = []
    for line in answer.stdout.splitlines():
        words = line.split()
        if "=>" in words:
            target = words[words.index("=>") + 1]
            if target == "not":
                raise DockerfileError(f"{binary}: {words[0]} not found by ldd on this machine")
            if target.startswith("/"):
                libraries.append(target)
        elif words and words[0].startswith("/"):
            libraries.append(words[0])
    return packages_of(libraries)


# Each package's dependencies as apt resolves them (Depends, Pre-Depends; every alternative of
# an OR), filled by `apt-cache depends --recurse` for the packages asked about.
DEPENDENCIES = {}


def closure(packages):
    """The packages and everything apt installs with them."""
    unknown = sorted(set(packages) - DEPENDENCIES.keys())
    if unknown:
        answer = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                      "--no-breaks", "--no-replaces", "--no-enhances", *unknown])
        if answer.returncode != 0:
            raise DockerfileError(f"apt-cache depends: {answer.stderr.strip()}")
        current = None
        for line in answer.stdout.splitlines():
            if line and not line[0].isspace():
                current = line.strip().strip("<>")
                DEPENDENCIES.setdefault(current, set())
            elif current and line.strip().lstrip("|").startswith(("Depends:", "PreDepends:")):
                name = line.split(":", 1)[1].strip().strip("<>").split(":")[0]
                DEPENDENCIES[current].add(name)
    seen = set()
    todo = list(packages)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += DEPENDENCIES.get(name, ())
    return seen


@functools.lru_cache(maxsize=None)
def slim_base():
    """What debian:12-slim holds: the packages of priority required, and apt, with their
    dependencies."""
    answer = run(["dpkg-query", "-W", "-f=${Package} ${Priority}\n"])
    required = {line.split()[0] for line in answer.stdout.splitlines() if line.endswith(" required")}
    return frozenset(closure(required | {"apt"}))


# Whether apt knows a package, by name, filled by one `apt-cache show` for the names asked about.
KNOWN = {}


def unknown_packages(names):
    """The names apt-cache show knows no package by."""
    asked = sorted(set(names) - KNOWN.keys())
    if asked:
        answer = run(["apt-cache", "show", "--no-all-versions", *asked])
        shown = {line.split(":", 1)[1].strip() for line in answer.stdout.splitlines() if line.startswith("Package:")}
        for name in asked:
            KNOWN[name] = name in shown
    return [name for name in names if not KNOWN[name]]


def check_dockerfile(text, image):
    """Raises DockerfileError with the first reason the Dockerfile of `image` is refused."""
    all_stages = stages(text)
    if len(all_stages) < 2:
        raise DockerfileError("not multi-stage: a build stage and a final stage are needed")
    build, final = all_stages[0], all_stages[-1]
    if build["from"] != "debian:12" or build["name"] != "build":
        raise DockerfileError(f"the first stage must be 'FROM debian:12 AS build', not {build['from']}")
    build_runs = " ".join(args for keyword, args in build["body"] if keyword == "RUN")
    for needed in ("tools/install-deps --build", "cmake --preset release", "cmake --build --preset release"):
        if needed not in build_runs:
            raise DockerfileError(f"the build stage does not run '{needed}'")
    if final["from"] != "debian:12-slim":
        raise DockerfileError(f"the final stage must be 'FROM debian:12-slim', not {final['from']}")

    users = [args for keyword, args in final["body"] if keyword == "USER"]
    if not users:
        raise DockerfileError("the final stage has no USER: it would run as root")
    user = users[-1].split(":")[0]
    if not user.isdigit():
        raise DockerfileError(f"USER {users[-1]}: give a numeric user id (Kubernetes' runAsNonRoot checks it)")
    if int(user) == 0:
        raise DockerfileError(f"USER {users[-1]}: root")

    checks = [args for keyword, args in final["body"] if keyword == "HEALTHCHECK"]
    if not checks or "NONE" in checks[-1].split():
        raise DockerfileError("the final stage has no HEALTHCHECK")
    if "himaya" not in checks[-1] or "health" not in checks[-1] or "--tls_cert" not in checks[-1]:
        raise DockerfileError("the HEALTHCHECK must ask gRPC health with 'himaya health' and the certificate")

    exposed = set(" ".join(args for keyword, args in final["body"] if keyword == "EXPOSE").split())
    for port in {"50051", "9090"} | PORTS.get(image, set()):
        if port not in exposed:
            raise DockerfileError(f"port {port} is not EXPOSEd")

    packages = installed_packages(final)
    for name in packages:
        if name.endswith("-dev") or re.search(r"-dev(:|$)", name):
            raise DockerfileError(f"{name}: a -dev package in the final stage")
    for name in unknown_packages(packages):
        raise DockerfileError(f"{name}: no such Debian package (apt-cache show)")

    binaries = copied_binaries(final)
    if f"himaya-{image}" not in binaries:
        raise DockerfileError(f"the final stage does not copy himaya-{image} from the build stage")
    if "himaya" not in binaries:
        raise DockerfileError("the final stage does not copy the himaya CLI (its health check runs it)")
    provided = closure(set(packages)) | slim_base()
    for binary in binaries:
        for library, package in sorted(libraries_needed(binary).items()):
            if package not in provided:
                raise DockerfileError(f"{binary} needs {library} ({package}), which the final stage does not install")
        for package in RUNTIME_DATA.get(binary, []):
            if package not in provided:
                raise DockerfileError(f"{binary} reads files of {package}, which the final stage does not install")


def read(image):
    with open(os.path.join(DOCKER_DIR, f"{image}.Dockerfile"), encoding="utf-8") as f:
        return f.read()


def setUpModule():
    """Asks apt once about every package of every Dockerfile (each apt-cache call reads the
    whole package lists: about a second)."""
    names = set()
    for image in IMAGES:
        names.update(installed_packages(stages(read(image))[-1]))
    unknown_packages(sorted(names))
    closure(names)


class ShippedDockerfiles(unittest.TestCase):
    def test_every_image_has_its_dockerfile(self):
        files = sorted(f for f in os.listdir(DOCKER_DIR) if f.endswith(".Dockerfile"))
        self.assertEqual(files, sorted(f"{image}.Dockerfile" for image in IMAGES))

    def test_each_dockerfile_is_accepted(self):
        for image in IMAGES:
            with self.subTest(image=image):
                check_dockerfile(read(image), image)

    def test_build_context_leaves_out_build_trees(self):
        with open(os.path.join(DOCKER_DIR, "..", "..", ".dockerignore"), encoding="utf-8") as f:
            ignored = f.read().split()
        for entry in ("build/", "var/", ".git", "**/node_modules/"):
            self.assertIn(entry, ignored)


class RefusedDockerfiles(unittest.TestCase):
    """Each mutation of a good Dockerfile is refused, with its reason."""

    def refused(self, image, old, new, reason):
        text = read(image)
        self.assertIn(old, text, "the mutation no longer applies: update the test")
        with self.assertRaises(DockerfileError) as caught:
            check_dockerfile(text.replace(old, new, 1), image)
        self.assertIn(reason, str(caught.exception))

    def test_a_missing_library_is_refused(self):
        self.refused("gateway", "libmicrohttpd12 ", "", "libmicrohttpd.so.12 (libmicrohttpd12)")

    def test_a_missing_library_of_the_cli_is_refused(self):
        self.refused("claims", "libzbar0 ", "", "himaya needs")

    def test_missing_fonts_are_refused(self):
        self.refused("beneficiary", "fonts-hosny-amiri ", "", "reads files of fonts-hosny-amiri")

    def test_root_is_refused(self):
        self.refused("claims", "USER 10001:10001", "USER root", "numeric user id")
        self.refused("claims", "USER 10001:10001", "USER 0:0", "root")
        self.refused("claims", "USER 10001:10001\n", "", "no USER")

    def test_a_dev_package_is_refused(self):
        self.refused("claims", "libpq5 ", "libpq-dev ", "libpq-dev: a -dev package")

    def test_an_unknown_package_is_refused(self):
        self.refused("claims", "libpq5 ", "libpq5 libnothing-himaya9 ", "libnothing-himaya9: no such Debian package")

    def test_recommends_are_refused(self):
        self.refused("registration", "--no-install-recommends", "", "--no-install-recommends")

    def test_no_healthcheck_is_refused(self):
        self.refused("registration", "HEALTHCHECK", "# HEALTHCHECK", "no HEALTHCHECK")

    def test_other_bases_are_refused(self):
        self.refused("registration", "FROM debian:12-slim", "FROM debian:12", "debian:12-slim")
        self.refused("registration", "FROM debian:12 AS build", "FROM ubuntu:24.04 AS build", "FROM debian:12 AS build")

    def test_a_single_stage_is_refused(self):
        text = read("registration")
        final = text[text.index("FROM debian:12-slim"):]
        with self.assertRaises(DockerfileError) as caught:
            check_dockerfile(final, "registration")
        self.assertIn("not multi-stage", str(caught.exception))

    def test_an_unexposed_port_is_refused(self):
        self.refused("gateway", "EXPOSE 50051 9090 8080", "EXPOSE 50051 9090", "port 8080")

    def test_the_binary_must_be_copied(self):
        self.refused("notification", "/src/build/release/bin/himaya-notification ", "", "does not copy himaya-notification")


if __name__ == "__main__":
    unittest.main(verbosity=2)
