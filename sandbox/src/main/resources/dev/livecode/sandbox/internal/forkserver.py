def _forkserver(top_room):
    # The fork server: a Python interpreter that never runs a user's program. It builds a
    # read-only root once, then forks one child per start. Each child joins the run's cgroups,
    # enters new namespaces, mounts what is the run's own, pivots into the root, drops to the
    # run's uid in a user namespace of its own, drops every capability, sets the rlimits, closes
    # every descriptor but its stdio, loads the seccomp filter, forgets the modules the server
    # loaded, and only then runs the runner's program (argv[1], argv[2:] its arguments), which
    # reads the user's program from stdin. The server itself reads nothing of any run: a run's
    # set-up reaches the child over the child's own connection to the Java side.
    import sys
    baseline = set(sys.modules)
    # The program runs one exec deeper than a -c program does: the recursion limit is raised by
    # what that costs, so a runaway recursion ends at the same depth as in a cold run.
    probe = {'room': _room}
    exec('room = room()', probe)
    extra_depth = top_room - probe['room']
    import posix, _socket, _signal, ctypes

    # Compiled once here, not in every child.
    program, program_args = compile(sys.argv[1], '<string>', 'exec'), sys.argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.syscall.restype = ctypes.c_long
    libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
    libc.setrlimit.argtypes = [ctypes.c_int, ctypes.c_void_p]

    MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
    MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
    CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x20000, 0x02000000, 0x04000000
    CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x10000000, 0x20000000, 0x40000000
    PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP = 1, 4, 22, 24
    PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
    SYS_CAPSET, SYS_PIVOT_ROOT, SECCOMP_MODE_FILTER, MNT_DETACH = 126, 155, 2, 2
    RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_CORE, RLIMIT_NPROC = 0, 1, 2, 4, 6
    SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x8914, 1, 8, 0x40
    SIGINT, SIGKILL, SIGCHLD = 2, 9, 17

    class Failed(Exception):
        pass

    def check(result, what):
        if result != 0:
            raise Failed('%s: %s' % (what, posix.strerror(ctypes.get_errno())))

    def mount(source, target, fstype, flags, data=None):
        check(libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                         flags, data and data.encode()), 'mount ' + target)

    def ro_bind(source, target, flags=0):
        mount(source, target, None, MS_BIND | MS_REC)
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | flags)

    def prctl(option, arg=0):
        check(libc.prctl(option, arg, 0, 0, 0), 'prctl %d' % option)

    def setrlimit(resource, value):
        check(libc.setrlimit(resource, Rlimit(value, value)), 'setrlimit %d' % resource)

    def is_dir(path):
        try:
            return posix.stat(path).st_mode & 0o170000 == 0o040000
        except OSError:
            return None

    def make_dirs(path):
        if is_dir(path) is None:
            make_dirs(path.rsplit('/', 1)[0] or '/')
            posix.mkdir(path, 0o755)

    def touch(path):
        posix.close(posix.open(path, posix.O_WRONLY | posix.O_CREAT, 0o444))

    def read_lines(fd, one_byte):
        # Tab-separated lines up to a line 'end', read without read-ahead where others follow.
        data = b''
        while not (data == b'end\n' or data.endswith(b'\nend\n')):
            chunk = posix.read(fd, 1 if one_byte else 4096)
            if not chunk:
                raise Failed('set-up ended early')
            data += chunk
        return [line.split('\t') for line in data.decode().split('\n')[:-2]]

    def write(fd, text):
        data = text.encode()
        while data:
            data = data[posix.write(fd, data):]

    # The server's set-up, from the Java side on stdin.
    lists = {'dir': [], 'symlink': [], 'robind': [], 'robind-try': [], 'dev': [], 'procdir': [], 'procfile': []}
    config = {}
    for fields in read_lines(0, True):
        if fields[0] in lists:
            lists[fields[0]].append(fields[1:])
        else:
            config[fields[0]] = fields[1]
    root, socket_path = config['root'], config['socket']
    seccomp = None
    if 'seccomp' in config:
        fd = posix.open(config['seccomp'], posix.O_RDONLY)
        seccomp = posix.read(fd, 1 << 20)
        posix.close(fd)
    # The C arguments every start passes, made once here: a child that made its own ctypes types
    # and buffers would copy every page of the server they touch, at each start.
    Rlimit = ctypes.c_ulong * 2
    no_caps = ((ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)())
    loopback_up = ctypes.create_string_buffer(
        b'lo'.ljust(16, b'\0') + (IFF_UP | IFF_LOOPBACK | IFF_RUNNING).to_bytes(2, 'little'), 40)
    seccomp_prog = None
    if seccomp is not None:
        class Prog(ctypes.Structure):
            _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]

        seccomp_filter = ctypes.create_string_buffer(seccomp, len(seccomp))
        seccomp_prog = Prog(len(seccomp) // 8, ctypes.cast(seccomp_filter, ctypes.c_void_p))
    fd = posix.open('/proc/sys/kernel/cap_last_cap', posix.O_RDONLY)
    cap_last = int(posix.read(fd, 64))
    posix.close(fd)

    # The root every run of this server sees: read-only, nothing in it writable by anyone.
    check(libc.unshare(CLONE_NEWNS), 'unshare mount namespace')
    mount(None, '/', None, MS_REC | MS_PRIVATE)
    mount('tmpfs', root, 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=0755,size=1m')
    for (path,) in lists['dir']:
        make_dirs(root + path)
    for target, path in lists['symlink']:
        posix.symlink(target, root + path)
    binds = [(s, d, False) for s, d in lists['robind']] + [(s, d, True) for s, d in lists['robind-try']]
    for source, target, optional in binds:
        kind = is_dir(source)
        if kind is None and optional:
            continue
        inside = root + target
        make_dirs(inside.rsplit('/', 1)[0])
        if kind:
            make_dirs(inside)
        else:
            touch(inside)
        ro_bind(source, inside)
    dev = root + '/dev'
    make_dirs(dev)
    mount('tmpfs', dev, 'tmpfs', MS_NOSUID | MS_NOEXEC, 'mode=0755,size=64k')
    for (name,) in lists['dev']:
        touch(dev + '/' + name)
        mount('/dev/' + name, dev + '/' + name, None, MS_BIND)
        mount(None, dev + '/' + name, None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC)
    for name, target in (('fd', '/proc/self/fd'), ('stdin', '/proc/self/fd/0'), ('stdout', '/proc/self/fd/1'),
                         ('stderr', '/proc/self/fd/2'), ('core', '/proc/kcore'), ('ptmx', 'pts/ptmx')):
        posix.symlink(target, dev + '/' + name)
    for name in ('pts', 'shm'):
        posix.mkdir(dev + '/' + name, 0o755)
    mount(None, dev, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC)
    for name in ('proc', 'tmp', 'work'):
        make_dirs(root + '/' + name)
    mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    procdirs = [name for (name,) in lists['procdir']]
    procfiles = [name for (name,) in lists['procfile']]

    def connect(token, role):
        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        s.connect(socket_path)
        # Fixed length (ForkServer.HELLO_BYTES): the server reads it in one call.
        s.sendall(('%s %-7s\n' % (token, role)).encode())
        return s

    def as_program(run, uid, streams, report):
        # The program's process, pid 2 of its namespace: its own user namespace, no capabilities,
        # the run's rlimits, nothing open but its stdio, the filter; then the runner's program.
        posix.setsid()
        _signal.signal(SIGINT, _signal.default_int_handler)
        prctl(PR_SET_DUMPABLE, 1)
        check(libc.unshare(CLONE_NEWUSER), 'unshare user namespace')
        for name, text in (('setgroups', 'deny'), ('uid_map', '65534 %d 1' % uid), ('gid_map', '65534 %d 1' % uid)):
            fd = posix.open('/proc/self/' + name, posix.O_WRONLY)
            write(fd, text)
            posix.close(fd)
        for cap in range(cap_last + 1):
            prctl(PR_CAPBSET_DROP, cap)
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
        check(libc.syscall(SYS_CAPSET, no_caps[0], no_caps[1]), 'capset')
        cpu = int(run['cpu'])
        check(libc.setrlimit(RLIMIT_CPU, Rlimit(cpu, cpu + 1)), 'setrlimit cpu')
        setrlimit(RLIMIT_FSIZE, int(run['fsize']))
        setrlimit(RLIMIT_CORE, 0)
        if 'data' in run:
            setrlimit(RLIMIT_DATA, int(run['data']))
        if 'nproc' in run:
            setrlimit(RLIMIT_NPROC, int(run['nproc']))
        for fd, stream in enumerate(streams):
            posix.dup2(stream, fd)
        posix.closerange(3, report)
        posix.closerange(report + 1, 1 << 20)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if seccomp_prog is not None:
            check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(seccomp_prog), 0, 0), 'seccomp')
        posix.close(report)

    def as_init(token):
        # pid 1 of a new PID namespace, forked by the server: root and in the host's other
        # namespaces until it has joined the run's cgroups, made the rest of its namespaces and
        # mounted what is the run's own; then in the root, under the run's uid, it starts the
        # program's process and ends, and so ends the namespace, with it.
        _signal.set_wakeup_fd(-1)
        _signal.signal(SIGCHLD, _signal.SIG_DFL)
        # No handler: a namespace's init then ignores every signal sent from inside it.
        _signal.signal(SIGINT, _signal.SIG_DFL)
        prctl(PR_SET_PDEATHSIG, SIGKILL)
        control = connect(token, 'control')
        sockets = [connect(token, role) for role in ('stdin', 'stdout', 'stderr')]
        sockets[0].shutdown(_socket.SHUT_WR)
        sockets[1].shutdown(_socket.SHUT_RD)
        sockets[2].shutdown(_socket.SHUT_RD)
        streams = [s.detach() for s in sockets]
        null = posix.open('/dev/null', posix.O_RDWR)
        for fd in (0, 1, 2):
            posix.dup2(null, fd)
        posix.close(null)
        try:
            run = {fields[0]: fields[1] for fields in read_lines(control.fileno(), False)}
            for path in run.get('cgroups', '').split(':'):
                if path:
                    fd = posix.open(path, posix.O_WRONLY)
                    write(fd, str(posix.getpid()))
                    posix.close(fd)
            check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP),
                  'unshare')
            uid = int(run['uid'])
            own = 'uid=%d,gid=%d' % (uid, uid)
            for name, size in (('/tmp', run['tmp']), ('/work', run['work']), ('/dev/shm', run['tmp'])):
                mount('tmpfs', root + name, 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=0755,size=%s,%s' % (size, own))
            mount('devpts', root + '/dev/pts', 'devpts', MS_NOSUID | MS_NOEXEC, 'newinstance,ptmxmode=0666,mode=620')
            mount('proc', root + '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
            for name in procdirs:
                target = root + '/proc/' + name
                mount('tmpfs', target, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, 'mode=0555,size=4k')
                mount(None, target, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
            for name in procfiles:
                ro_bind('/dev/null', root + '/proc/' + name, MS_NOEXEC)
            hostname = b'livecode'
            check(libc.sethostname(hostname, len(hostname)), 'sethostname')
            lo = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
            check(libc.ioctl(lo.fileno(), SIOCSIFFLAGS, loopback_up), 'loopback up')
            lo.close()
            posix.chdir(root)
            check(libc.syscall(SYS_PIVOT_ROOT, b'.', b'.'), 'pivot_root')
            check(libc.umount2(b'.', MNT_DETACH), 'detach the host root')
            posix.chdir('/work')
            posix.setgroups([])
            posix.setresgid(uid, uid, uid)
            posix.setresuid(uid, uid, uid)
            report, report_w = posix.pipe()
            child = posix.fork()
            if child == 0:
                try:
                    posix.close(report)
                    control.close()
                    as_program(run, uid, streams, report_w)
                except BaseException as e:
                    write(report_w, 'fail\t%s\n' % str(e).replace('\n', ' '))
                    posix._exit(127)
                raise Start()
            for fd in streams + [report_w]:
                posix.close(fd)
            failure = b''
            while True:
                chunk = posix.read(report, 4096)
                if not chunk:
                    break
                failure += chunk
        except Start:
            raise
        except BaseException as e:
            failure = ('fail\t%s\n' % str(e).replace('\n', ' ')).encode()
        control.sendall(failure or b'ready\n')
        if failure:
            posix._exit(127)
        while True:
            pid, status = posix.waitpid(-1, 0)
            if pid == child:
                # Told at once: the namespace's teardown, when this process ends, takes a while.
                code = posix.WEXITSTATUS(status) if posix.WIFEXITED(status) else 128 + posix.WTERMSIG(status)
                control.sendall(('exit\t%d\n' % code).encode())
                posix._exit(code)

    class Start(BaseException):
        pass

    # Each child is pid 1 of a PID namespace of its own: made before the fork, and the server's
    # own namespace for children restored after it. The server reaps its children and reports
    # their ends; SIGCHLD wakes its loop through a pipe.
    import select
    pid_namespace = posix.open('/proc/self/ns/pid', posix.O_RDONLY)
    # What every start needs, tried once here: a host that refuses it (a seccomp profile, missing
    # capabilities) gets no fork server rather than one whose every start fails.
    check(libc.unshare(CLONE_NEWPID), 'unshare pid namespace')
    check(libc.setns(pid_namespace, CLONE_NEWPID), 'setns pid namespace')
    probe = posix.fork()
    if probe == 0:
        try:
            check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP),
                  'unshare')
            check(libc.sethostname(b'livecode', 8), 'sethostname')
            posix._exit(0)
        except BaseException as e:
            write(2, '%s\n' % e)
            posix._exit(1)
    if posix.waitpid(probe, 0)[1] != 0:
        raise Failed('a start\'s namespaces cannot be made here')
    wake, woken = posix.pipe()
    posix.set_blocking(wake, False)
    posix.set_blocking(woken, False)
    _signal.set_wakeup_fd(woken)
    _signal.signal(SIGCHLD, lambda signum, frame: None)
    # The server's objects leave the collector's view: a child's collections (its exit has two)
    # would otherwise write to every one of them, copying every page it inherited.
    import gc
    gc.collect()
    gc.freeze()
    write(1, 'ready\n')
    while True:
        readable = select.select([0, wake], [], [])[0]
        if wake in readable:
            try:
                while posix.read(wake, 512):
                    pass
            except BlockingIOError:
                pass
            while True:
                try:
                    pid, status = posix.waitpid(-1, posix.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                if posix.WIFEXITED(status):
                    write(1, 'exit\t%d\t%d\n' % (pid, posix.WEXITSTATUS(status)))
                else:
                    write(1, 'signal\t%d\t%d\n' % (pid, posix.WTERMSIG(status)))
        if 0 not in readable:
            continue
        line = b''
        while not line.endswith(b'\n'):
            byte = posix.read(0, 1)
            if not byte:
                posix._exit(0)
            line += byte
        token = line.decode().strip()
        check(libc.unshare(CLONE_NEWPID), 'unshare pid namespace')
        pid = posix.fork()
        if pid == 0:
            try:
                for fd in (pid_namespace, wake, woken):
                    posix.close(fd)
                as_init(token)
            except Start:
                break
            except BaseException as e:
                try:
                    write(2, 'fork server child failed: %s\n' % e)
                finally:
                    posix._exit(126)
        check(libc.setns(pid_namespace, CLONE_NEWPID), 'setns pid namespace')
        write(1, 'pid\t%s\t%d\n' % (token, pid))
    # The program's process: the server's modules and globals go, the runner's program comes.
    for name in set(sys.modules) - baseline:
        del sys.modules[name]
    sys.argv[:] = ['-c'] + program_args
    main = sys.modules['__main__'].__dict__
    main.clear()
    main.update(__name__='__main__', __doc__=None, __package__=None, __spec__=None, __annotations__={},
                __builtins__=sys.modules['builtins'], __loader__=sys.modules['_frozen_importlib'].BuiltinImporter)
    def run_program():
        # The program, then what of an interpreter's exit a program can see, in CPython's order: its
        # exit status, non-daemon threads joined, atexit callbacks, the standard streams flushed, its
        # own modules and then __main__ cleared (so __del__ methods run and print as they would), the
        # streams flushed again. Then _exit: the rest of the interpreter's teardown would only touch
        # every page inherited from the server, copying each, for nothing the program could see.
        import sys
        status = 0
        sys.setrecursionlimit(sys.getrecursionlimit() + extra_depth)
        try:
            exec(program, main)
        except SystemExit as e:
            status = e.code
        except BaseException:
            sys.excepthook(*sys.exc_info())
            status = 1
        if status is None:
            status = 0
        elif not isinstance(status, int):
            try:
                print(status, file=sys.stderr)
            except BaseException:
                pass
            status = 1
        threading = sys.modules.get('threading')
        if threading is not None:
            try:
                threading._shutdown()
            except BaseException:
                pass
        import atexit, gc
        atexit._run_exitfuncs()

        def flush(status):
            for stream in (sys.stdout, sys.stderr):
                try:
                    if stream is not None:
                        stream.flush()
                except BaseException:
                    if stream is sys.stdout and status == 0:
                        status = 120
            return status

        def clear(namespace):
            for key in [k for k in namespace if k[:1] == '_' and k[1:2] != '_']:
                namespace[key] = None
            for key in [k for k in namespace if k != '__builtins__']:
                namespace[key] = None

        status = flush(status)
        # No switch to a daemon thread while the program's globals go, as at an interpreter's exit.
        sys.setswitchinterval(1000.0)
        own = [m for name, m in list(sys.modules.items()) if name not in baseline and name != '__main__']
        collect = gc.collect
        collect()
        for module in reversed(own):
            namespace = getattr(module, '__dict__', None)
            if isinstance(namespace, dict):
                clear(namespace)
        clear(main)
        collect()
        posix._exit(flush(status) & 0xFF)


    return run_program


def _room():
    # How many nested calls fit from where this is called.
    try:
        return 1 + _room()
    except RecursionError:
        return 0


_forkserver(_room())()
