package dev.cognigyops.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.cognigyops.testsupport.PostgresServer;

/**
 * Benchmark (a program, not a test): how long a run is orphaned when its instance is killed with
 * SIGKILL, from the kill to the resumed run's next call out (a training monitor's status read at a
 * local status server in this JVM). Two cases, each {@code --rounds} times:
 * <ul>
 *   <li><b>restart</b>: one instance on the embedded store; killed, then started again on the same
 *       folders — the time includes the JVM's start and the claim of the runs of its earlier life;</li>
 *   <li><b>takeover</b>: two instances on one PostgreSQL (started here); the one running the monitor is
 *       killed; the other claims the run once its lease ({@code --lease} s) has lapsed.</li>
 * </ul>
 * Target: within the lease plus 5 s. The app runs as {@code java <flags> -jar target/cognigy-ops.jar}.
 *
 * <pre>
 *   --rounds N (3)   --lease S (30)   --flags "FLAGS"   --keep
 * </pre>
 */
public final class ResumeBenchmark {

    private final ConcurrentLinkedQueue<long[]> reads = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int lease = 30;
        String flags = MonitorBenchmark.RECOMMENDED;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--lease" -> lease = Integer.parseInt(args[++i]);
                case "--flags" -> flags = args[++i];
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new ResumeBenchmark().run(rounds, lease, flags, keep);
        System.exit(0);
    }

    void run(int rounds, int lease, String flags, boolean keep) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/oauth/token", ex -> answer(ex,
                "{\"access_token\":\"bench-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
        server.createContext("/api/v2/projects/", this::status);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        say("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + "; app flags: " + flags + "; lease " + lease + " s");

        List<Double> restart = new ArrayList<>();
        List<Double> takeover = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            restart.add(restartRound(base, flags, lease, r, keep));
        }
        try (PostgresServer pg = PostgresServer.start()) {
            for (int r = 0; r < rounds; r++) {
                takeover.add(takeoverRound(base, flags, lease, r, pg, keep));
            }
        }
        server.stop(0);
        say("---- results: seconds from SIGKILL to the resumed run's next status read");
        say("restart  (one instance, embedded store): " + figures(restart) + "  (target <= " + (lease + 5) + " s)");
        say("takeover (two instances, PostgreSQL):    " + figures(takeover) + "  (target <= " + (lease + 5) + " s)");
    }

    private double restartRound(String base, String flags, int lease, int round, boolean keep) throws Exception {
        Path home = Files.createTempDirectory("resume-bench");
        String job = "restart-" + round;
        Map<String, String> env = env(base, home, "node-a", lease, null, null);
        drop(home.resolve("inbox-node-a"), job);
        Process first = start(home, flags, env, "first");
        long lastRead = awaitReads(job, 3, 120);
        first.destroyForcibly().waitFor();
        long killedAt = System.nanoTime();
        Process second = start(home, flags, env, "second");
        long resumedAt = awaitReadAfter(job, killedAt, 180);
        double seconds = (resumedAt - killedAt) / 1e9;
        say(String.format(Locale.ROOT, "restart round %d: last read %.1f s before the kill, resumed read %.2f s after it",
                round + 1, (killedAt - lastRead) / 1e9, seconds));
        stop(second);
        clean(home, keep);
        return seconds;
    }

    private double takeoverRound(String base, String flags, int lease, int round, PostgresServer pg, boolean keep) throws Exception {
        Path home = Files.createTempDirectory("resume-bench");
        String job = "takeover-" + round;
        String url = pg.createDatabase();
        Process a = start(home, flags, env(base, home, "node-a", lease, url, pg), "a");
        Process b = start(home, flags, env(base, home, "node-b", lease, url, pg), "b");
        drop(home.resolve("inbox-node-a"), job);
        long lastRead = awaitReads(job, 3, 120);
        a.destroyForcibly().waitFor();
        long killedAt = System.nanoTime();
        long resumedAt = awaitReadAfter(job, killedAt, lease + 120);
        double seconds = (resumedAt - killedAt) / 1e9;
        say(String.format(Locale.ROOT, "takeover round %d: last read %.1f s before the kill, resumed read %.2f s after it",
                round + 1, (killedAt - lastRead) / 1e9, seconds));
        stop(b);
        clean(home, keep);
        return seconds;
    }

    private static Map<String, String> env(String base, Path home, String node, int lease, String url, PostgresServer pg) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("COGNIGY_BASE_URL", base);
        env.put("COGNIGY_AUTH_CLIENT_ID", "bench");
        env.put("COGNIGY_AUTH_CLIENT_SECRET", "bench-secret");
        env.put("COGNIGY_INBOX_DIR", home.resolve("inbox-" + node).toString());
        env.put("COGNIGY_RESULTS_DIR", home.resolve("results").toString());
        env.put("COGNIGY_AUDIT_FILE", home.resolve("audit-" + node + "/audit.jsonl").toString());
        env.put("COGNIGY_SPOOL_DIR", home.resolve("spool-" + node).toString());
        env.put("COGNIGY_DATA_DIR", home.resolve("data").toString());
        env.put("COGNIGY_INBOX_POLL_MS", "200");
        env.put("COGNIGY_INBOX_READ_LOCK_CHECK_MS", "10");
        env.put("COGNIGY_CLUSTER_NODE_ID", node);
        env.put("COGNIGY_CLUSTER_LEASE_SECONDS", Integer.toString(lease));
        // the monitor's state is saved at every read here, so that the resumed one goes on from the last
        env.put("COGNIGY_STORE_READS_CHECKPOINT_SECONDS", "0");
        if (url != null) {
            env.put("COGNIGY_STORE_URL", url);
            env.put("COGNIGY_STORE_USER", pg.user());
            env.put("COGNIGY_STORE_PASSWORD", pg.password());
        }
        return env;
    }

    private static void drop(Path inbox, String job) throws IOException {
        Files.createDirectories(inbox);
        String request = "{\"operation\":\"training-monitor\",\"requestId\":\"" + job + "\",\"payload\":{"
                + "\"projectId\":\"bench\",\"jobId\":\"" + job + "\",\"pollIntervalSeconds\":1,"
                + "\"policy\":{\"maxStagnationSeconds\":3600}}}";
        Files.writeString(inbox.resolve("." + job + ".json"), request);
        Files.move(inbox.resolve("." + job + ".json"), inbox.resolve(job + ".json"));
    }

    private static Process start(Path home, String flags, Map<String, String> env, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(flags.trim().isEmpty() ? new String[0] : flags.trim().split("\\s+")));
        command.add("-jar");
        command.add(Path.of("target", "cognigy-ops.jar").toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("app-" + name + ".log").toFile()));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private long awaitReads(String job, int count, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            List<long[]> seen = reads.stream().filter(r -> r[0] == job.hashCode()).toList();
            if (seen.size() >= count) {
                return seen.get(seen.size() - 1)[1];
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the monitor of " + job + " did not read " + count + " times within " + seconds + " s");
    }

    private long awaitReadAfter(String job, long after, int seconds) throws InterruptedException {
        long deadline = after + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (long[] r : reads) {
                if (r[0] == job.hashCode() && r[1] > after) {
                    return r[1];
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the run of " + job + " was not resumed within " + seconds + " s of the kill");
    }

    private void status(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        String[] parts = ex.getRequestURI().getPath().split("/");
        String job = parts.length > 7 ? parts[7] : "?";
        reads.add(new long[] {job.hashCode(), at});
        answer(ex, "{\"job_id\":\"" + job + "\",\"state\":\"RUNNING\",\"progress_percent\":" + (reads.size() % 100)
                + ",\"metrics\":[],\"resource_utilization\":{\"cpu_usage\":50.0,\"memory_usage\":40.0},"
                + "\"started_at\":\"2026-01-01T00:00:00Z\",\"completed_at\":null,\"at\":\"" + Instant.now() + "\"}");
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String figures(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return String.format(Locale.ROOT, "min %.2f s, median %.2f s, max %.2f s (%d rounds)", sorted.get(0),
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static void clean(Path home, boolean keep) throws IOException {
        if (keep) {
            say("kept " + home);
            return;
        }
        try (Stream<Path> walk = Files.walk(home)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }
}
