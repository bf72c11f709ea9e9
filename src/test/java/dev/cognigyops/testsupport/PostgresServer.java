package dev.cognigyops.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, throwaway PostgreSQL server for a test class: the installed binaries ({@code initdb}, {@code pg_ctl}),
 * a fresh data directory under the temp folder, a free port on {@code 127.0.0.1}, password (SCRAM) login for
 * {@link #user()} / {@link #password()}, and one database ({@link #jdbcUrl()}) ready to use.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *     String url = pg.createDatabase("runs_a");            // an empty database of its own
 *     try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password())) { ... }
 *     pg.stopServer();                                     // the database goes away (same port, same data)
 *     pg.startServer();                                    // and comes back
 * }
 * }</pre>
 *
 * <ul>
 * <li><b>Binaries.</b> The newest {@code /usr/lib/postgresql/<version>/bin} (Debian/Ubuntu), else {@code initdb}
 * and {@code pg_ctl} on the {@code PATH}. Missing: one line telling how to install them ({@link #NOT_INSTALLED}).</li>
 * <li><b>Root.</b> PostgreSQL refuses to run as root; when this JVM is root every server command runs as the
 * unprivileged {@code postgres} user ({@code runuser -u postgres --}) and the directory is handed to it first.
 * Otherwise the commands run as the current user.</li>
 * <li><b>Speed.</b> {@code initdb --no-sync} and {@code fsync=off}: the data is not meant to survive the
 * machine, only {@link #stopServer()} / {@link #startServer()}.</li>
 * <li><b>Cleanup.</b> {@link #close()} stops the server ({@code pg_ctl stop -m fast}) and deletes the directory;
 * a shutdown hook does the same when the JVM exits without it. A server left behind by a JVM that was killed
 * (no hook runs on SIGKILL) is stopped and deleted by the next {@link #start()} in the same PID namespace.</li>
 * <li><b>Failures.</b> A start that fails throws with the server's log in the message, so a CI failure says
 * why (port taken, shared memory, permissions...).</li>
 * </ul>
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

    public static final String NOT_INSTALLED = "PostgreSQL is not installed: run scripts/test "
            + "(it installs Debian's postgresql package) or apt-get install postgresql";

    /** The superuser the tests log in as, and the database {@link #jdbcUrl()} points at. */
    public static final String USER = "cognigy_ops";
    public static final String DATABASE = "cognigy_ops";

    private static final String DIR_PREFIX = "cognigy-ops-pg-";
    private static final String OWNER_FILE = "owner";
    private static final String RUN_AS = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL = 8_000;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path binDir;
    private final boolean asRoot;
    private final Path dir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    private final String password;
    private final Thread shutdownHook;
    private int port;
    private boolean running;
    private boolean closed;

    private PostgresServer(Path binDir, boolean asRoot, Path dir, String password) {
        this.binDir = binDir;
        this.asRoot = asRoot;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.socketDir = dir.resolve("socket");
        this.logFile = dir.resolve("server.log");
        this.password = password;
        this.shutdownHook = new Thread(this::destroyQuietly, "postgres-server-stop");
    }

    /**
     * Creates a cluster in a new temporary directory, starts it on a free port and creates {@link #DATABASE}.
     *
     * @throws IllegalStateException when PostgreSQL is not installed ({@link #NOT_INSTALLED}) or does not start
     *         (the message carries the server's log)
     */
    public static PostgresServer start() {
        Path binDir = findBinDir().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
        boolean asRoot = isRoot();
        sweepOrphans(binDir, asRoot);
        long t0 = System.nanoTime();
        PostgresServer server;
        try {
            Path dir = Files.createTempDirectory(DIR_PREFIX);
            Files.writeString(dir.resolve(OWNER_FILE), ProcessHandle.current().pid() + " " + pidNamespace());
            server = new PostgresServer(binDir, asRoot, dir, randomPassword());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.initdb();
            server.startOnAFreePort();
            server.createDatabase(DATABASE);
        } catch (RuntimeException e) {
            server.destroyQuietly();
            server.removeShutdownHook();
            throw e;
        }
        LOG.info("PostgreSQL ({}) ready on 127.0.0.1:{} in {} ms, directory {}", binDir, server.port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), server.dir);
        return server;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/cognigy_ops}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    /** Random per server; checked (SCRAM-SHA-256) on every TCP connection. */
    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** The temporary directory (data, socket, {@code server.log}); gone after {@link #close()}. */
    public Path directory() {
        return dir;
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** Creates an empty database; its JDBC URL. Names: lower case letters, digits and {@code _}. */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a database name for the tests (lower case letters, "
                    + "digits and _, at most 63): " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    /** Creates an empty database with a name of its own ({@code test_1}, {@code test_2}...); its JDBC URL. */
    public String createDatabase() {
        return createDatabase("test_" + DATABASES.incrementAndGet());
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}: open connections are cut) and keeps its data and port, for
     * "the database goes away" tests. {@link #startServer()} brings it back.
     */
    public synchronized void stopServer() {
        checkNotClosed();
        if (!running) {
            return;
        }
        Result r = pgCtl("-D", dataDir.toString(), "-m", "fast", "-w", "stop");
        if (r.exitCode != 0) {
            throw new IllegalStateException("pg_ctl stop failed (exit " + r.exitCode + "): " + r.output
                    + "\n--- server log ---\n" + logTail());
        }
        running = false;
    }

    /** Starts the stopped server again on the same port with the same data. Throws with the log if it fails. */
    public synchronized void startServer() {
        checkNotClosed();
        if (running) {
            return;
        }
        Result r = startOn(port);
        if (r.exitCode != 0) {
            throw new IllegalStateException(startFailure(r));
        }
    }

    /** Same as {@link #close()}. */
    public void stop() {
        close();
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (running) {
                Result r = pgCtl("-D", dataDir.toString(), "-m", "fast", "-w", "stop");
                if (r.exitCode != 0) {
                    LOG.warn("pg_ctl stop failed (exit {}): {}", r.exitCode, r.output);
                    pgCtl("-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
                }
                running = false;
            }
            deleteTree(dir);
        } finally {
            closed = true;
            removeShutdownHook();
        }
    }

    // --- start -----------------------------------------------------------------------------------------

    private void initdb() {
        Path pwfile = dir.resolve("pwfile");
        try {
            Files.createDirectories(socketDir);
            Files.writeString(pwfile, password + "\n");
            if (asRoot) {
                handTo(RUN_AS, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // local (socket) logins are trusted, TCP logins need the password: JDBC always uses TCP
        Result r = run(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--no-locale", "--no-sync");
        try {
            Files.deleteIfExists(pwfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (r.exitCode != 0) {
            throw new IllegalStateException("initdb failed (exit " + r.exitCode + ")" + (asRoot ? " as user "
                    + RUN_AS : "") + ":\n" + r.output);
        }
    }

    /** A free port can be taken between looking and binding: then try another, a few times. */
    private void startOnAFreePort() {
        Result r = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            r = startOn(FreePort.pick());
            if (r.exitCode == 0) {
                return;
            }
            if (!logTail().contains("could not bind")) {
                break;
            }
            LOG.info("port {} was taken before PostgreSQL bound it; trying another", port);
        }
        throw new IllegalStateException(startFailure(r));
    }

    private Result startOn(int port) {
        this.port = port;
        String options = "-p " + port + " -k '" + socketDir + "' -c listen_addresses=127.0.0.1 -c fsync=off";
        long t0 = System.nanoTime();
        Result r = pgCtl("-D", dataDir.toString(), "-l", logFile.toString(), "-o", options, "-w", "-t", "60",
                "start");
        running = r.exitCode == 0;
        if (!running) {
            // pg_ctl gives up waiting but may leave a postmaster behind: make sure nothing keeps running
            pgCtl("-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
        } else {
            LOG.debug("pg_ctl start took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        return r;
    }

    private String startFailure(Result r) {
        return "PostgreSQL did not start on 127.0.0.1:" + port + " (pg_ctl exit " + r.exitCode + (asRoot
                ? ", as user " + RUN_AS : "") + "): " + r.output.strip() + "\n--- server log " + logFile
                + " ---\n" + logTail();
    }

    private String logTail() {
        try {
            String log = Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "(no log)";
            return log.length() > LOG_TAIL ? "..." + log.substring(log.length() - LOG_TAIL) : log;
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return "pg-" + HexFormat.of().formatHex(bytes);
    }

    // --- stop ------------------------------------------------------------------------------------------

    private void destroyQuietly() {
        try {
            synchronized (this) {
                if (running) {
                    pgCtl("-D", dataDir.toString(), "-m", "fast", "-w", "stop");
                    running = false;
                }
                deleteTree(dir);
                closed = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("could not stop PostgreSQL in {}: {}", dir, e.toString());
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran
        }
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("this PostgresServer is closed");
        }
    }

    /**
     * Servers whose JVM died without running its hooks (SIGKILL, a Surefire fork timeout) keep running and keep
     * their port; stop and delete those. Only directories of the same PID namespace, so a /tmp shared between
     * containers never has its neighbour's server stopped.
     */
    private static void sweepOrphans(Path binDir, boolean asRoot) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String namespace = pidNamespace();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path d : dirs) {
                String[] owner;
                try {
                    owner = Files.readString(d.resolve(OWNER_FILE)).strip().split(" ", 2);
                } catch (IOException notOursOrStillStarting) {
                    continue;
                }
                if (owner.length != 2 || !owner[1].equals(namespace)) {
                    continue;
                }
                boolean alive = ProcessHandle.of(Long.parseLong(owner[0])).map(ProcessHandle::isAlive).orElse(false);
                if (alive) {
                    continue;
                }
                LOG.info("stopping and deleting a PostgreSQL left behind by a JVM that died: {}", d);
                PostgresServer orphan = new PostgresServer(binDir, asRoot, d, "");
                if (Files.exists(orphan.dataDir.resolve("postmaster.pid"))) {
                    orphan.pgCtl("-D", orphan.dataDir.toString(), "-m", "immediate", "-w", "stop");
                }
                deleteTree(d);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not sweep old PostgreSQL directories in {}: {}", tmp, e.toString());
        }
    }

    private static String pidNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }

    // --- commands --------------------------------------------------------------------------------------

    private record Result(int exitCode, String output) {
    }

    private Result pgCtl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binDir.resolve("pg_ctl").toString());
        command.addAll(Arrays.asList(args));
        return run(command.toArray(String[]::new));
    }

    /** Runs a server command (as {@code postgres} when root); its exit code and output (stdout + stderr). */
    private Result run(String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        command.addAll(Arrays.asList(args));
        Path out = null;
        try {
            out = Files.createTempFile("cognigy-ops-pg-command-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())          // a folder the postgres user can enter
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())     // a file, never a pipe: the postmaster outlives pg_ctl
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT + ":\n" + Files.readString(out) + "\n--- server log ---\n" + logTail());
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    private static void handTo(String userName, Path root) throws IOException {
        UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user;
        GroupPrincipal group;
        try {
            user = users.lookupPrincipalByName(userName);
            group = users.lookupPrincipalByGroupName(userName);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("the tests run as root, and PostgreSQL refuses root: it needs the "
                    + "unprivileged user '" + userName + "', which Debian's postgresql package creates. " + NOT_INSTALLED);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                Files.setOwner(p, user);
                Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
            }
        }
    }

    // --- environment -----------------------------------------------------------------------------------

    static boolean isRoot() {
        return AppProcess.isRoot();
    }

    static Optional<Path> findBinDir() {
        return findBinDir(Path.of("/usr/lib/postgresql"), Optional.ofNullable(System.getenv("PATH")).orElse(""));
    }

    /**
     * The newest {@code <debian>/<version>/bin} holding {@code initdb}, {@code pg_ctl} and {@code postgres}, else
     * the real folder of an {@code initdb} on {@code path} that holds the three.
     */
    static Optional<Path> findBinDir(Path debian, String path) {
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions
                        .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .map(v -> v.resolve("bin"))
                        .filter(PostgresServer::hasServerBinaries)
                        .max(Comparator.comparingDouble(b -> Double.parseDouble(b.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path initdb = Path.of(entry, "initdb");
            if (Files.isExecutable(initdb)) {
                try {
                    Path bin = initdb.toRealPath().getParent();
                    if (hasServerBinaries(bin)) {
                        return Optional.of(bin);
                    }
                } catch (IOException e) {
                    // a dangling link: keep looking
                }
            }
        }
        return Optional.empty();
    }

    private static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("postgres"));
    }
}
