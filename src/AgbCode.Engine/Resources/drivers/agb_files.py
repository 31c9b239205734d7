"""AgbCode's workspace file helper: kept alive per session, run inside the session's sandbox as its uid.

It serves one operation at a time until stdin ends. stdin: a frame holding the request as JSON (a 4-byte big-endian
length, then the text); for an upload or write, the data follows as frames of the same form, a length-0 frame ending
it. stdout: the answer's data as b"D" frames (a JSON answer, a tar stream, or the bytes read), then one b"E" frame with
the outcome: {} or {"error": KIND, "message": TEXT}. Lengths come before data, so no file content can be taken for
protocol. Relative paths are relative to the workspace (home and cwd); absolute ones are as the sandbox sees them.
Archive members are confined to the destination: no absolute names, no "..", and no parent that is a link (each
folder is opened with O_NOFOLLOW). Links are archived as links, never followed; FIFOs and device nodes are archived
as bare headers, never opened for reading.
"""
import errno
import fcntl
import json
import os
import secrets
import shutil
import stat
import sys
import struct
import tarfile

CHUNK = 1 << 20
MAX_FRAME = 1 << 30
DATA, END = b"D", b"E"
PART_PREFIX = ".agb-part-"


def read_exact(fd, size):
    """Exactly size bytes of fd; EOFError if it ends first."""
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def read_frame_length(fd):
    return struct.unpack(">I", read_exact(fd, 4))[0]


class Input:
    """An operation's data on fd 0: frames (a 4-byte big-endian length, then that many bytes; length 0 ends them), read as
    one stream. tarfile reads headers through read/tell/seek (forward only); file data is moved into files with splice(2),
    without a copy through Python. Nothing past the end frame is ever read, so the next request starts clean."""

    def __init__(self, fd=0):
        self.fd, self.pos, self.frame_left, self.ended = fd, 0, 0, False

    def _frame(self):
        """Bytes left in the current frame, reading the next frame's length when needed; 0 at the end."""
        while self.frame_left == 0 and not self.ended:
            self.frame_left = read_frame_length(self.fd)
            self.ended = self.frame_left == 0
        return self.frame_left

    def read(self, size):
        data = bytearray()
        while len(data) < size and self._frame():
            chunk = read_exact(self.fd, min(size - len(data), self.frame_left))
            self.frame_left -= len(chunk)
            data += chunk
        self.pos += len(data)
        return bytes(data)

    def tell(self):
        return self.pos

    def seek(self, target, whence=0):
        if whence != 0 or target < self.pos:
            raise OSError(errno.ESPIPE, "an upload is read forward only")
        self.skip(target - self.pos)
        return self.pos

    def skip(self, count):
        while count > 0:
            got = len(self.read(min(count, CHUNK)))
            if not got:
                raise tarfile.ReadError("unexpected end of data")
            count -= got

    def copy_to(self, fd, count=None):
        """Moves count bytes (None: all up to the end) into fd; fails if the data ends first."""
        left = count
        while left is None or left > 0:
            if not self._frame():
                if left is None:
                    return
                raise tarfile.ReadError("unexpected end of data")
            want = self.frame_left if left is None else min(left, self.frame_left)
            try:
                moved = os.splice(self.fd, fd, want)
            except OSError as error:
                if error.errno != errno.EINVAL:
                    raise
                chunk = os.read(self.fd, want)   # stdin is not a pipe: copy
                write_all(fd, chunk)
                moved = len(chunk)
            if not moved:
                raise EOFError
            self.frame_left -= moved
            self.pos += moved
            left = None if left is None else left - moved

    def drain(self):
        """Reads the rest of the data (an archive's padding after its end), so the next request starts at a frame."""
        while self._frame():
            self.frame_left -= len(read_exact(self.fd, min(self.frame_left, CHUNK)))


class Failure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def shown(name):
    """A name as text (names that are not UTF-8 show with U+FFFD)."""
    return os.fsencode(name).decode("utf-8", "replace")


def os_failure(error, what):
    kinds = {errno.ENOENT: "not_found", errno.ENOTDIR: "not_a_directory", errno.EISDIR: "is_a_directory",
             errno.ENOTEMPTY: "not_empty", errno.EEXIST: "exists", errno.ENOSPC: "no_space", errno.EDQUOT: "no_space",
             errno.EFBIG: "file_too_large", errno.EACCES: "denied", errno.EPERM: "denied", errno.EROFS: "denied",
             errno.ELOOP: "link_in_the_way", errno.EBUSY: "denied", errno.EXDEV: "denied"}
    return Failure(kinds.get(error.errno, "io"), f"{what}: {os.strerror(error.errno)}")


# ---- listing -------------------------------------------------------------------------------------------------------

def item(path, shown_path, st):
    link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
    is_dir = stat.S_ISDIR(st.st_mode)
    return {"name": shown(os.path.basename(shown_path.rstrip("/")) or shown_path), "path": shown(shown_path),
            "dir": is_dir, "length": 0 if is_dir else st.st_size, "mtime_ns": st.st_mtime_ns,
            "mode": stat.S_IMODE(st.st_mode), "type": kind_of(st.st_mode), "link": None if link is None else shown(link)}


def kind_of(mode):
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"), (stat.S_ISLNK, "link"), (stat.S_ISFIFO, "fifo"),
                       (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "other"


def joined(base, name):
    return name if base in ("", ".") else base.rstrip("/") + "/" + name if base != "/" else "/" + name


def lstat_or_fail(path):
    try:
        return os.lstat(path)
    except OSError as error:
        raise os_failure(error, f"'{shown(path)}'")


def op_stat(request):
    path = request["path"]
    try:
        st = os.lstat(path or ".")
    except FileNotFoundError:
        return None
    return item(path or ".", path or ".", st)


def op_list(request):
    path, recurse = request["path"] or ".", request["recurse"]
    st = lstat_or_fail(path)
    if not stat.S_ISDIR(st.st_mode):
        return [item(path, path, st)]
    items = []

    def walk(folder, shown_folder):
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                child, shown_child = os.path.join(folder, entry.name), joined(shown_folder, entry.name)
                st = entry.stat(follow_symlinks=False)
                items.append(item(child, shown_child, st))
                if recurse and stat.S_ISDIR(st.st_mode):
                    walk(child, shown_child)

    walk(path, "" if request["path"] in ("", ".") else request["path"])
    return items


# ---- upload: unpack a tar stream, confined to the destination --------------------------------------------------------

def member_parts(name):
    if name.startswith("/"):
        raise Failure("unsafe_name", f"the archive entry '{shown(name)}' has an absolute name; uploads keep names "
                                     "relative to the destination")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Failure("unsafe_name", f"the archive entry '{shown(name)}' climbs out of the destination with '..'")
    return parts


def open_folder(parent_fd, name, create):
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(name, flags, dir_fd=parent_fd)
    except FileNotFoundError:
        if not create:
            raise
        os.mkdir(name, 0o755, dir_fd=parent_fd)
        return os.open(name, flags, dir_fd=parent_fd)


def folder_of(root_fd, parts, display):
    """The folder that holds the entry, made as needed, reached without following a link."""
    fd = os.dup(root_fd)
    try:
        for part in parts:
            try:
                next_fd = open_folder(fd, part, create=True)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise Failure("link_in_the_way", f"'{shown(display)}' would be written through '{shown(part)}', "
                                                     "which is a link or a file, not a folder")
                raise os_failure(error, f"'{shown(display)}'")
            os.close(fd)
            fd = next_fd
        return fd
    except BaseException:
        os.close(fd)
        raise


def remove_entry(folder_fd, name):
    try:
        st = os.lstat(name, dir_fd=folder_fd)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise Failure("exists", f"'{shown(name)}' is a folder in the destination; it is not replaced by a file or link")
    os.unlink(name, dir_fd=folder_fd)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def copy_to_part(fill, folder_fd, final, display, mode, mtime=None):
    """Writes a file under a temporary name and renames it into place: all of it, or nothing."""
    part = PART_PREFIX + secrets.token_hex(6)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=folder_fd)
    try:
        try:
            fill(fd)
            os.fchmod(fd, mode & 0o777)
            if mtime is not None:
                os.utime(fd, ns=(mtime, mtime))
        finally:
            os.close(fd)
        remove_entry(folder_fd, final)
        os.rename(part, final, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException as failure:
        try:
            os.unlink(part, dir_fd=folder_fd)
        except OSError:
            pass
        if isinstance(failure, OSError):
            raise os_failure(failure, f"'{shown(display)}'")
        raise


def make_folders(path):
    try:
        os.makedirs(path or ".", exist_ok=True)
    except OSError as error:
        if error.errno in (errno.EEXIST, errno.ENOTDIR) and (blocker := first_non_folder(path)):
            raise Failure("not_a_directory", f"'{shown(blocker)}' is a file, not a folder")
        raise os_failure(error, f"the folder '{shown(path)}'")
    if not os.path.isdir(path or "."):
        raise Failure("not_a_directory", f"'{shown(path)}' is a file, not a folder")


def first_non_folder(path):
    """The first of the path's leading parts that exists and is not a folder, or None."""
    parts = path.split("/")
    for end in range(1, len(parts) + 1):
        lead = "/".join(parts[:end])
        if lead and os.path.lexists(lead) and not os.path.isdir(lead):
            return lead
    return None


def op_upload(request, data):
    destination = request["destination"] or "."
    make_folders(destination)
    root_fd = os.open(destination, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    written = 0
    archive = tarfile.TarFile(fileobj=data, mode="r")   # headers only: file data is moved by data.copy_to
    while (member := archive.next()) is not None:
        parts = member_parts(member.name)
        if not parts:
            continue   # the destination itself
        folder_fd = folder_of(root_fd, parts[:-1], member.name)
        name = parts[-1]
        try:
            if member.isdir():
                try:
                    os.mkdir(name, member.mode & 0o777 | 0o700, dir_fd=folder_fd)
                except FileExistsError:
                    if not stat.S_ISDIR(os.lstat(name, dir_fd=folder_fd).st_mode):
                        raise Failure("exists", f"'{shown(member.name)}' is a file in the destination, not a folder")
            elif member.isreg() and not member.issparse():
                data.seek(member.offset_data)
                copy_to_part(lambda fd: data.copy_to(fd, member.size), folder_fd, name, member.name, member.mode,
                             int(member.mtime * 1e9))
                data.seek(archive.offset)   # past the padding, where the next header starts
                written += 1
            elif member.issym():
                remove_entry(folder_fd, name)
                os.symlink(member.linkname, name, dir_fd=folder_fd)
            else:
                raise Failure("unsupported_entry", f"the archive entry '{shown(member.name)}' is a "
                              f"{'hard link' if member.islnk() else 'sparse file' if member.isreg() else 'device node or FIFO'}; only files, folders "
                              "and symbolic links are uploaded")
        except OSError as error:
            raise os_failure(error, f"'{shown(member.name)}'")
        finally:
            os.close(folder_fd)
    return {"files": written}


# ---- download: a tar stream of items, links as links, special files never read -----------------------------------------

def header(path, arcname, st):
    info = tarfile.TarInfo(arcname)
    info.mode = stat.S_IMODE(st.st_mode)
    info.mtime = st.st_mtime
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if stat.S_ISDIR(st.st_mode):
        info.type = tarfile.DIRTYPE
    elif stat.S_ISLNK(st.st_mode):
        info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
    elif stat.S_ISFIFO(st.st_mode):
        info.type = tarfile.FIFOTYPE
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        info.type = tarfile.CHRTYPE if stat.S_ISCHR(st.st_mode) else tarfile.BLKTYPE
        info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    elif stat.S_ISREG(st.st_mode):
        info.type, info.size = tarfile.REGTYPE, st.st_size
    else:
        return None   # a socket has no tar form
    return info


class Output:
    """The answer's data on fd 1, as frames: b"D", a 4-byte big-endian length, then that many bytes. A tar stream's
    headers come from tarfile (GNU, not pax: .NET's TarReader, which unpacks this on the host, rejects a pax record whose
    value holds a newline); file data is moved with sendfile(2), without a copy through Python. The operation ends with
    one b"E" frame holding its outcome as JSON (end)."""

    def __init__(self, fd=1):
        self.fd = fd

    def write(self, data):
        if data:
            write_all(self.fd, DATA + struct.pack(">I", len(data)) + data)

    def header(self, info):
        self.write(info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape"))

    def file(self, info, source_fd):
        """Exactly the size the header promised: a file that shrank meanwhile is padded with zeros, one that grew is cut,
        so the stream stays a valid archive."""
        self.header(info)
        left = info.size
        while left > 0:
            frame = min(left, MAX_FRAME)
            write_all(self.fd, DATA + struct.pack(">I", frame))
            while frame > 0:
                sent = os.sendfile(self.fd, source_fd, None, frame)
                if not sent:
                    write_all(self.fd, bytes(frame))
                    sent = frame
                frame -= sent
                left -= sent
        self.write(bytes(-info.size % tarfile.BLOCKSIZE))

    def end_archive(self):
        self.write(bytes(2 * tarfile.BLOCKSIZE))

    def end(self, outcome):
        text = json.dumps(outcome).encode()
        write_all(self.fd, END + struct.pack(">I", len(text)) + text)


def add(archive, path, arcname, st):
    info = header(path, arcname, st)
    if info is None:
        return
    if info.type != tarfile.REGTYPE:
        archive.header(info)
        if info.type == tarfile.DIRTYPE:
            with os.scandir(path) as entries:
                names = sorted(e.name for e in entries)
            for name in names:
                child = os.path.join(path, name)
                try:
                    child_st = os.lstat(child)
                except FileNotFoundError:
                    continue   # removed meanwhile
                add(archive, child, arcname + "/" + name, child_st)
        return
    # O_NONBLOCK: if the file was swapped for a FIFO since lstat, opening it must not hang; fstat then says so.
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode):
            archive.header(header(path, arcname, now) or info)
            return
        os.set_blocking(fd, True)
        info.size = now.st_size
        archive.file(info, fd)
    finally:
        os.close(fd)


def archive_name(path):
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return parts[-1] if parts else ""


def op_download(request, archive):
    paths = [p or "." for p in request["paths"]]
    found = [(p, lstat_or_fail(p)) for p in paths]   # every item is there before a byte goes out
    for path, st in found:
        name = archive_name(path)
        if name not in ("", ".."):
            add(archive, path, name, st)
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise Failure("bad_request", f"'{shown(path)}' names no item")
        with os.scandir(path) as entries:   # a folder without a name of its own: its contents
            children = sorted(e.name for e in entries)
        for child in children:
            add(archive, os.path.join(path, child), child, os.lstat(os.path.join(path, child)))
    archive.end_archive()
    return None


# ---- single operations ---------------------------------------------------------------------------------------------

def is_workspace(path):
    return os.path.realpath(path or ".") == os.path.realpath(os.environ.get("HOME", "."))


def op_remove(request):
    path = request["path"] or "."
    if is_workspace(path) or os.path.realpath(path) == "/":
        raise Failure("bad_request", f"'{shown(path)}' is the workspace itself; remove the items in it instead")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"removed": False}
    try:
        if not stat.S_ISDIR(st.st_mode):
            os.unlink(path)
        elif request["recurse"]:
            shutil.rmtree(path)
        else:
            os.rmdir(path)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise Failure("not_empty", f"the folder '{shown(path)}' is not empty; remove it recursively to delete its contents")
        raise os_failure(error, f"'{shown(path)}'")
    return {"removed": True}


def op_read(request, out):
    path, offset, length = request["path"], request["offset"], request["length"]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise os_failure(error, f"'{shown(path)}'")
    with os.fdopen(fd, "rb", buffering=0) as source:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Failure("not_a_file", f"'{shown(path)}' is not a regular file; only files are read")
        os.set_blocking(fd, True)
        source.seek(offset)
        left = length if length > 0 else None
        while left is None or left > 0:
            data = source.read(CHUNK if left is None else min(CHUNK, left))
            if not data:
                break
            out.write(data)
            if left is not None:
                left -= len(data)
    return None


def op_write(request, data):
    path = request["path"]
    folder, name = os.path.split(path)
    make_folders(folder)
    if request["append"]:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise os_failure(error, f"'{shown(path)}'")
        start = os.fstat(fd).st_size
        try:
            data.copy_to(fd)
        except OSError as error:
            os.ftruncate(fd, start)   # an append that does not fit leaves the file as it was
            raise os_failure(error, f"'{shown(path)}'")
        finally:
            os.close(fd)
        return {"written": True}
    if not name:
        raise Failure("bad_request", f"'{shown(path)}' names a folder, not a file")
    folder_fd = os.open(folder or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            mode = os.lstat(name, dir_fd=folder_fd).st_mode
        except FileNotFoundError:
            mode = 0o644
        copy_to_part(data.copy_to, folder_fd, name, path, mode)
    finally:
        os.close(folder_fd)
    return {"written": True}


def op_mkdir(request):
    make_folders(request["path"])
    return {"created": True}


def op_move(request):
    source, destination = request["source"], request["destination"]
    lstat_or_fail(source)
    make_folders(os.path.dirname(destination))
    try:
        os.rename(source, destination)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise os_failure(error, f"moving '{shown(source)}' to '{shown(destination)}'")
        try:
            shutil.move(source, destination)   # workspace <-> /tmp: copy (links as links), then remove
        except OSError as copy_error:
            raise os_failure(copy_error, f"moving '{shown(source)}' to '{shown(destination)}'")
    return {"moved": True}


def widen_pipes():
    """1 MiB pipes instead of 64 KiB: 16 times fewer hand-overs between the engine and a helper that may wait for CPU."""
    for fd in (0, 1):
        try:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, CHUNK)
        except OSError:
            pass   # not a pipe, or above the host's pipe-max-size


SENDS_DATA = {"upload": op_upload, "write": op_write}
GETS_DATA = {"download": op_download, "read": op_read}
PLAIN = {"stat": op_stat, "list": op_list, "remove": op_remove, "mkdir": op_mkdir, "move": op_move}


def perform(request, data, out):
    """One operation; its answer (if any) goes out as JSON data frames."""
    op = request["op"]
    if op in SENDS_DATA:
        answer = SENDS_DATA[op](request, data)
        data.drain()
    elif op in GETS_DATA:
        answer = GETS_DATA[op](request, out)
    else:
        answer = PLAIN[op](request)
    if answer is not None or op == "stat":
        out.write(json.dumps(answer).encode())


def failure_of(error):
    if isinstance(error, Failure):
        return error.kind, str(error)
    if isinstance(error, OSError):
        reason = os.strerror(error.errno) if error.errno else str(error)
        if isinstance(error.filename, (str, bytes)):   # the name the failed call was given
            reason = f"'{shown(error.filename)}': {reason}"
        return os_failure(error, "").kind, reason
    if isinstance(error, tarfile.TarError):
        return "bad_archive", f"the archive is not a valid tar stream: {error}"
    return "bad_request", f"the request is not understood: {error}"


def main():
    """Serves operations until stdin ends. After a failed operation whose data was still coming, it answers and exits
    rather than guess where that data ends: the engine starts a fresh helper for the next one."""
    widen_pipes()
    out = Output()
    while True:
        try:
            request = json.loads(read_exact(0, read_frame_length(0)))
        except EOFError:
            return
        try:
            perform(request, Input(), out)
            out.end({})
        except EOFError:
            return   # the engine stopped sending mid-operation: it gave up on this helper
        except (Failure, OSError, tarfile.TarError, KeyError, ValueError, TypeError) as error:
            kind, message = failure_of(error)
            out.end({"error": kind, "message": message})
            if request.get("op") not in (*GETS_DATA, *PLAIN):
                os._exit(0)


if __name__ == "__main__":
    main()
