package qtfs.server.daemon;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import qtfs.fuse.proto.InitParams;
import qtfs.server.fs.CacheTimes;
import qtfs.server.fs.ChangeWatcher;
import qtfs.server.fs.FileSystemSession;
import qtfs.server.whitelist.Whitelist;
import qtfs.sys.Arch;
import qtfs.sys.Errno;
import qtfs.sys.ErrnoException;
import qtfs.transport.Deadline;
import qtfs.wire.Architecture;
import qtfs.wire.Attach;

/**
 * The live mount sessions, found by their token. Grants ATTACH: an export must be an existing
 * directory inside a [Mount] entry once every symlink in its path is resolved.
 */
final class MountSessions {
    private static final System.Logger LOG = System.getLogger(MountSessions.class.getName());
    /** The FUSE major version; ATTACH carries only the minor. */
    private static final int FUSE_MAJOR = 7;

    private final Whitelist whitelist;
    private final Path whitelistFile;
    private final int maxWrite;
    private final Map<Long, MountSession> byToken = new ConcurrentHashMap<>();
    private final AtomicInteger lastMountId = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    private final Duration grace;
    /** Tells every session of changes made elsewhere; one for the daemon. */
    private final ChangeWatcher changes = ChangeWatcher.start();
    private final ScheduledExecutorService graceTimer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("qtfsd-session-grace").daemon().unstarted(r));

    MountSessions(Whitelist whitelist, Path whitelistFile, int maxWrite, Duration grace) {
        this.whitelist = whitelist;
        this.whitelistFile = whitelistFile;
        this.maxWrite = maxWrite;
        this.grace = grace;
    }

    /**
     * Creates (token 0) or joins the session {@code request} names; the caller owns one
     * connection reference. A new session serves FIFOs as stream files when {@code fifoStreams}
     * (the client asked for them).
     */
    MountSession attach(Attach request, boolean fifoStreams) throws AttachRefusedException {
        if (request.maxWrite() > maxWrite) {
            throw new AttachRefusedException(Errno.EINVAL, "max write " + request.maxWrite() + " is larger than this server's frames allow ("
                    + maxWrite + ")");
        }
        String export = canonicalExport(request.exportPath());
        if (request.token() != 0) return join(request.token(), export, request.architecture());
        InitParams init = new InitParams(FUSE_MAJOR, request.fuseMinor(), request.fuseFlags(), request.maxWrite(), request.maxWrite(),
                request.maxWrite() / 4096, 1);
        FileSystemSession fs;
        int mountId = lastMountId.incrementAndGet();
        ClientPushes pushes = new ClientPushes(mountId);
        try {
            fs = FileSystemSession.open(export, whitelist, init, new CacheTimes(request.entryTimeout(), request.attrTimeout()),
                    Arch.valueOf(request.architecture().name()), fifoStreams, changes, pushes);
        } catch (ErrnoException e) {
            throw new AttachRefusedException(e.errno(), "cannot serve export " + export + ": " + e.getMessage());
        }
        long token;
        MountSession session;
        do {
            token = random.nextLong();
        } while (token == 0 || byToken.containsKey(token));
        session = new MountSession(mountId, token, export, request.architecture(), fs, pushes, this::ended, grace, graceTimer);
        byToken.put(token, session);
        return session;
    }

    private MountSession join(long token, String export, Architecture architecture) throws AttachRefusedException {
        MountSession session = byToken.get(token);
        if (session == null || !session.join()) {
            throw new AttachRefusedException(Errno.ESTALE, "unknown session token (the session ended or the server restarted)");
        }
        if (!session.exportPath.equals(export)) {
            session.leave();
            throw new AttachRefusedException(Errno.EINVAL, "the session token belongs to export " + session.exportPath + ", not " + export);
        }
        if (session.architecture != architecture) {
            session.leave();
            throw new AttachRefusedException(Errno.EINVAL, "the session token belongs to a " + session.architecture + " client, not "
                    + architecture);
        }
        return session;
    }

    private String canonicalExport(String requested) throws AttachRefusedException {
        Path real;
        try {
            real = Path.of(requested).toRealPath();
        } catch (InvalidPathException e) {
            throw new AttachRefusedException(Errno.EINVAL, "export path " + requested + " is not a valid path");
        } catch (NoSuchFileException e) {
            throw new AttachRefusedException(Errno.ENOENT, "export " + requested + " does not exist");
        } catch (AccessDeniedException e) {
            throw new AttachRefusedException(Errno.EACCES, "export " + requested + ": permission denied");
        } catch (IOException e) {
            throw new AttachRefusedException(Errno.EIO, "export " + requested + ": " + e.getMessage());
        }
        String canonical = real.toString();
        if (whitelist.exportContaining(canonical).isEmpty()) {
            throw new AttachRefusedException(Errno.EACCES, "export " + requested
                    + (canonical.equals(requested) ? "" : " (" + canonical + ")") + " is not inside a [Mount] entry of " + whitelistFile);
        }
        if (!Files.isDirectory(real)) throw new AttachRefusedException(Errno.ENOTDIR, "export " + requested + " is not a directory");
        return canonical;
    }

    private void ended(MountSession session) {
        byToken.remove(session.token, session);
        LOG.log(System.Logger.Level.INFO, "{0} ended{1}", session, session.abandoned() && !grace.isZero()
                ? " (no connection for " + Deadline.describe(grace) + "): its files and locks are released" : "");
    }

    /** Ends every session (qtfsd is shutting down). */
    void endAll() {
        for (MountSession s : List.copyOf(byToken.values())) s.endNow();
        graceTimer.shutdownNow();
        changes.close();
    }

    int size() {
        return byToken.size();
    }
}
