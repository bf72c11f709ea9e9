package dev.cognigyops.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built jar ({@code target/cognigy-ops.jar}) run as a user runs it: its own JVM with the flags
 * given, configured only by environment variables, in a working folder of the test's, standard output
 * and error kept in files there. For integration tests ({@code *IT}, run by Failsafe after the jar is
 * packaged).
 *
 * <p>{@link #asUnprivilegedUser()} runs it as {@code nobody} when the tests run as root, for checks
 * that root would pass regardless (a folder's mode): the jar is copied into the working folder and
 * the folder is handed to that user.
 */
public final class AppProcess implements AutoCloseable {

    public static final String DOCKERFILE_FLAGS = "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:MaxDirectMemorySize=32m "
            + "-Xss512k -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError";
    private static final int NOBODY = 65534;

    private final Path workDir;
    private final List<String> flags = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean unprivileged;
    private boolean serving;
    private final int port = FreePort.pick();
    private Process process;

    private AppProcess(Path workDir) {
        this.workDir = workDir;
    }

    public static AppProcess in(Path workDir) {
        return new AppProcess(workDir);
    }

    public static Path jar() {
        Path jar = Path.of("target", "cognigy-ops.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `mvn package`");
        }
        return jar;
    }

    public AppProcess flags(String spaceSeparated) {
        flags.addAll(List.of(spaceSeparated.trim().split("\\s+")));
        return this;
    }

    /** One JVM flag as it is, spaces and all (a -D whose value is a cron or JSON). */
    public AppProcess flag(String flag) {
        flags.add(flag);
        return this;
    }

    public AppProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public AppProcess env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    /** The service serves HTTP (runs API, page, probes, metrics) on {@link #port()}. */
    public AppProcess serving() {
        serving = true;
        return this;
    }

    /** The port of its HTTP server, when {@link #serving()}. */
    public int port() {
        return port;
    }

    /** Runs it as {@code nobody} when this JVM is root (does nothing otherwise). */
    public AppProcess asUnprivilegedUser() {
        unprivileged = true;
        return this;
    }

    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public AppProcess start(String... args) throws IOException {
        Files.createDirectories(workDir);
        Path jar = jar();
        List<String> command = new ArrayList<>();
        boolean drop = unprivileged && isRoot();
        if (drop) {
            Path copy = workDir.resolve("cognigy-ops.jar");
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            jar = copy;
            handToNobody(workDir);
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // no flags chosen: the JIT's first tier only, as CommandLineTest does (a short test run starts on less CPU);
        // a test that runs the jar as the Dockerfile does gives DOCKERFILE_FLAGS
        command.addAll(flags.isEmpty() ? List.of("-XX:TieredStopAtLevel=1") : flags);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(workDir.resolve("stdout.txt").toFile())
                .redirectError(workDir.resolve("stderr.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("COGNIGY_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        // a service serves HTTP (docs/contract.md §8) when the test asks for it (serving()), on a port of its
        // own; else not: the server, probes and metrics add about 2 s to every start
        if (!serving) {
            pb.environment().put("CAMEL_SERVER_ENABLED", "false");
            pb.environment().put("CAMEL_MANAGEMENT_ENABLED", "false");
            pb.environment().put("CAMEL_METRICS_ENABLED", "false");
        }
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        process = pb.start();
        return this;
    }

    /** Waits for the process to end; its exit code. */
    public int waitFor(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the app did not end within " + atMost + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The command the started process runs (its executable's path), as the operating system reports it. */
    public String command() {
        return process.info().command().orElse("(unknown)");
    }

    /**
     * SIGKILL, as {@code kill -9}, the out-of-memory killer or a lost machine end it: no shutdown hook
     * runs, nothing is flushed or released. Sent to the started process and to every process below it
     * (the JVM itself, not only a {@code setpriv} wrapper should one stay in between). Returns the exit
     * code, 137 (128 + 9) for a process the signal ended.
     */
    public int kill() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the app did not end after SIGKILL");
        }
        return process.exitValue();
    }

    public String stdout() {
        return read(workDir.resolve("stdout.txt"));
    }

    public String stderr() {
        return read(workDir.resolve("stderr.txt"));
    }

    /** SIGTERM, then at most 30 s for a graceful stop before SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void handToNobody(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setAttribute(p, "unix:uid", NOBODY);
                Files.setAttribute(p, "unix:gid", NOBODY);
            }
        }
        // the folders above it must let the user through
        for (Path p = dir.toAbsolutePath(); p != null && !p.equals(p.getRoot()); p = p.getParent()) {
            var perms = Files.getPosixFilePermissions(p);
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
