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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Benchmark (a program, not a test): {@code --monitors} training monitors (default 1,000), each its
 * own run, at a {@code --interval} of 1 s, against a local status server, for a {@code --seconds}
 * window (default 60) once every monitor has made its first read.
 *
 * <p>The status server runs in THIS JVM (the JDK's {@code HttpServer} on a fixed pool of 4 threads);
 * the app is a separate process, {@code java <flags> -jar target/cognigy-ops.jar} in service mode,
 * configured only through environment variables. The requests are dropped into its inbox before it
 * starts, as files, so the runs start through the ordinary file-drop trigger and its 8 workers.
 * Every job answers RUNNING with a progress that moves on each read (no policy breach), so every
 * monitor polls for the whole window.
 *
 * <p>Printed: the app's live threads (peak and at the end, from {@code /proc/<pid>/status}), its peak
 * RSS (VmHWM), the polls per second the server received in the window, and the lateness of each poll
 * against its monitor's fixed-rate schedule. In the app: {@code lateness_ms} of its STATUS_CHECK
 * audit events in the window (when the read step began, against the slot it was due at). At the
 * server: slot n of a job is due at {@code first read + n × interval}; a read belongs to the slot its
 * arrival falls in (or the one after the previous read's), lateness is its arrival minus that slot's
 * time, so it includes the HTTP client; slots no read arrived for are counted as skipped.
 *
 * <pre>
 *   --monitors N     (1000)     --interval S  (1)      --seconds S  (60)
 *   --flags "FLAGS"  JVM flags of the app (default: the recommended set of bench/README.md)
 *   --keep           keep the temporary directory
 * </pre>
 */
public final class MonitorBenchmark {

    static final String RECOMMENDED = "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:MaxDirectMemorySize=32m -Xss512k "
            + "-XX:ReservedCodeCacheSize=64m";

    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final Map<String, Integer> reads = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int monitors = 1000;
        int interval = 1;
        int seconds = 60;
        String flags = RECOMMENDED;
        boolean keep = false;
        boolean postgres = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--monitors" -> monitors = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--flags" -> flags = args[++i];
                case "--keep" -> keep = true;
                case "--postgres" -> postgres = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new MonitorBenchmark().run(monitors, interval, seconds, flags, keep, postgres);
    }

    void run(int monitors, int interval, int seconds, String flags, boolean keep, boolean postgres) throws Exception {
        // the run store: embedded H2 in the app's data folder, or (--postgres) a PostgreSQL started here
        dev.cognigyops.testsupport.PostgresServer pg = postgres ? dev.cognigyops.testsupport.PostgresServer.start() : null;
        Path home = Files.createTempDirectory("training-monitor-bench");
        // without TCP_NODELAY the JDK server's header and body writes meet delayed ACKs: 40 ms a call
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/oauth/token", ex -> answer(ex, 200,
                "{\"access_token\":\"bench-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
        server.createContext("/api/v2/projects/", this::status);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();

        Path inbox = home.resolve("inbox");
        Files.createDirectories(inbox);
        for (int i = 0; i < monitors; i++) {
            String request = "{\"operation\":\"training-monitor\",\"requestId\":\"bench-" + i + "\",\"payload\":{"
                    + "\"projectId\":\"bench\",\"jobId\":\"job-" + i + "\",\"pollIntervalSeconds\":" + interval
                    + ",\"policy\":{\"maxStagnationSeconds\":3600}}}";
            Files.writeString(inbox.resolve("m" + i + ".json"), request);
        }

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(flags.trim().isEmpty() ? new String[0] : flags.trim().split("\\s+")));
        command.add("-jar");
        command.add(Path.of("target", "cognigy-ops.jar").toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("app.log").toFile());
        Map<String, String> env = pb.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.put("COGNIGY_BASE_URL", base);
        env.put("COGNIGY_AUTH_CLIENT_ID", "bench");
        env.put("COGNIGY_AUTH_CLIENT_SECRET", "bench-secret");
        env.put("COGNIGY_INBOX_DIR", inbox.toString());
        env.put("COGNIGY_RESULTS_DIR", home.resolve("results").toString());
        env.put("COGNIGY_AUDIT_FILE", home.resolve("audit/audit.jsonl").toString());
        env.put("COGNIGY_SPOOL_DIR", home.resolve("spool").toString());
        env.put("COGNIGY_DATA_DIR", home.resolve("data").toString());
        if (pg != null) {
            env.put("COGNIGY_STORE_URL", pg.createDatabase());
            env.put("COGNIGY_STORE_USER", pg.user());
            env.put("COGNIGY_STORE_PASSWORD", pg.password());
        }
        say("run store: " + (pg == null ? "embedded H2" : "PostgreSQL " + pg.jdbcUrl()));
        env.put("COGNIGY_INBOX_POLL_MS", "200");
        env.put("COGNIGY_INBOX_READ_LOCK_CHECK_MS", "10");

        say("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel() + ", Java "
                + System.getProperty("java.version") + ", load average " + loadAverage());
        say("app flags: " + (flags.isBlank() ? "(JVM defaults)" : flags));
        say(monitors + " monitors, interval " + interval + " s, window " + seconds + " s; status server " + base);
        long started = System.nanoTime();
        Process app = pb.start();
        long pid = app.pid();
        int peakThreads = 0;
        long peakRssKb = 0;
        long windowStart = 0;
        Instant windowStartWall = null;
        long windowEnd = Long.MAX_VALUE;
        long rampDeadline = started + TimeUnit.SECONDS.toNanos(180);
        int lastThreads = 0;
        while (app.isAlive()) {
            Thread.sleep(1000);
            Map<String, Long> st = procStatus(pid);
            lastThreads = st.getOrDefault("Threads", 0L).intValue();
            peakThreads = Math.max(peakThreads, lastThreads);
            peakRssKb = Math.max(peakRssKb, st.getOrDefault("VmHWM", 0L));
            long now = System.nanoTime();
            int polling = arrivals.size();
            if (windowStart == 0) {
                say(String.format(Locale.ROOT, "t=%5.1f s  monitors polling %4d/%d  threads %3d  RSS %4d MB",
                        (now - started) / 1e9, polling, monitors, lastThreads, st.getOrDefault("VmRSS", 0L) / 1000));
                if (polling == monitors) {
                    windowStart = now;
                    windowStartWall = Instant.now();
                    windowEnd = now + TimeUnit.SECONDS.toNanos(seconds);
                    say("all monitors are polling after " + String.format(Locale.ROOT, "%.1f", (now - started) / 1e9)
                            + " s; measuring for " + seconds + " s");
                } else if (polling == 0 && now - started > TimeUnit.SECONDS.toNanos(60)) {
                    say("no monitor polls after 60 s; giving up (see app.log)");
                    keep = true;
                    break;
                } else if (now > rampDeadline) {
                    say("only " + polling + " monitors polling after 180 s; measuring those");
                    windowStart = now;
                    windowStartWall = Instant.now();
                    windowEnd = now + TimeUnit.SECONDS.toNanos(seconds);
                }
            } else if ((now - windowStart) / 1_000_000_000L % 10 == 0) {
                say(String.format(Locale.ROOT, "t=%5.1f s  window %3d s  threads %3d  RSS %4d MB",
                        (now - started) / 1e9, (now - windowStart) / 1_000_000_000L, lastThreads,
                        st.getOrDefault("VmRSS", 0L) / 1000));
            }
            if (now >= windowEnd) {
                break;
            }
        }
        Instant windowEndWall = Instant.now();
        boolean alive = app.isAlive();
        app.destroy();
        if (!app.waitFor(20, TimeUnit.SECONDS)) {
            app.destroyForcibly().waitFor();
        }
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        if (!alive) {
            say("the app exited early; see " + home.resolve("app.log"));
            keep = true;
        }

        // figures over the window: read k of a job belongs to the first slot not before its arrival's
        // floor slot and after the previous read's slot; slots passed over were skipped
        long intervalNs = TimeUnit.SECONDS.toNanos(interval);
        List<Long> lateness = new ArrayList<>();
        long polls = 0;
        long skipped = 0;
        for (List<Long> times : arrivals.values()) {
            List<Long> copy;
            synchronized (times) {
                copy = new ArrayList<>(times);
            }
            long first = copy.get(0);
            long slot = 0;
            for (int k = 1; k < copy.size(); k++) {
                long t = copy.get(k);
                long next = Math.max(slot + 1, (t - first) / intervalNs);
                if (t >= windowStart && t <= windowEnd) {
                    polls++;
                    skipped += next - slot - 1;
                    lateness.add(Math.max(0, t - (first + next * intervalNs)));
                }
                slot = next;
            }
        }
        lateness.sort(Comparator.naturalOrder());
        List<Long> appLateness = windowStartWall == null ? List.of()
                : appLateness(home.resolve("audit/audit.jsonl"), windowStartWall, windowEndWall);
        say("---- results");
        say("monitors polling: " + arrivals.size() + "/" + monitors);
        say("live threads: peak " + peakThreads + ", at the end " + lastThreads + " (target <= 64)");
        say("peak RSS (VmHWM): " + peakRssKb / 1000 + " MB (target < 512 MB)");
        say(String.format(Locale.ROOT, "polls in the window: %d = %.1f per second (ideal %.1f)", polls,
                polls / (double) seconds, monitors / (double) interval));
        say(String.format(Locale.ROOT, "lateness at the server: p50 %d ms, p99 %d ms, max %d ms (target p99 < 500 ms); "
                        + "slots skipped: %d", pct(lateness, 50), pct(lateness, 99), pct(lateness, 100), skipped));
        say(String.format(Locale.ROOT, "lateness in the app (STATUS_CHECK lateness_ms, in the window): p50 %d ms, p99 %d ms, max %d ms (%d reads)",
                pctMs(appLateness, 50), pctMs(appLateness, 99), pctMs(appLateness, 100), appLateness.size()));
        // what the run store cost: the app's own once-a-minute summary lines
        try (Stream<String> lines = Files.lines(home.resolve("app.log"))) {
            lines.filter(l -> l.contains("run store: ") && l.contains("checkpoints"))
                    .map(l -> l.substring(l.indexOf("run store: ")))
                    .forEach(l -> say("app: " + l));
        }
        if (pg != null) {
            pg.close();
        }
        if (!keep) {
            try (Stream<Path> walk = Files.walk(home)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } else {
            say("kept " + home);
        }
        System.exit(0);
    }

    private void status(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        // /api/v2/projects/bench/ai/train/{jobId}/status
        String[] parts = path.split("/");
        if (!"GET".equals(ex.getRequestMethod()) || parts.length != 9 || !"status".equals(parts[8])) {
            answer(ex, 404, "{\"message\":\"not found\"}");
            return;
        }
        String job = parts[7];
        arrivals.computeIfAbsent(job, j -> java.util.Collections.synchronizedList(new ArrayList<>())).add(at);
        int n = reads.merge(job, 1, Integer::sum);
        String now = Instant.now().toString();
        String body = "{\"job_id\":\"" + job + "\",\"state\":\"RUNNING\",\"progress_percent\":" + (n % 100)
                + ",\"metrics\":[{\"timestamp\":\"" + now + "\",\"metric_name\":\"loss\",\"value\":" + (1.0 / n)
                + ",\"unit\":\"ratio\"}],\"resource_utilization\":{\"cpu_usage\":50.0,\"memory_usage\":40.0},"
                + "\"started_at\":\"2026-01-01T00:00:00Z\",\"completed_at\":null}";
        answer(ex, 200, body);
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static List<Long> appLateness(Path audit, Instant from, Instant to) throws IOException {
        List<Long> values = new ArrayList<>();
        if (!Files.exists(audit)) {
            return values;
        }
        var pattern = java.util.regex.Pattern.compile("\"lateness_ms\":(\\d+)");
        var stamp = java.util.regex.Pattern.compile("\"timestamp\":\"([^\"]+)\"");
        try (Stream<String> lines = Files.lines(audit)) {
            lines.filter(l -> l.contains("\"STATUS_CHECK\"")).forEach(l -> {
                var m = pattern.matcher(l);
                var ts = stamp.matcher(l);
                if (m.find() && ts.find() && !Instant.parse(ts.group(1)).isBefore(from) && !Instant.parse(ts.group(1)).isAfter(to)) {
                    values.add(Long.parseLong(m.group(1)));
                }
            });
        }
        values.sort(Comparator.naturalOrder());
        return values;
    }

    private static long pct(List<Long> sortedNs, int p) {
        return pctMs(sortedNs.stream().map(ns -> ns / 1_000_000).toList(), p);
    }

    private static long pctMs(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static Map<String, Long> procStatus(long pid) {
        Map<String, Long> values = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                String[] kv = line.split(":\\s+", 2);
                if (kv.length == 2 && (kv[0].equals("Threads") || kv[0].equals("VmRSS") || kv[0].equals("VmHWM"))) {
                    values.put(kv[0], Long.parseLong(kv[1].replace("kB", "").trim()));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process has ended
        }
        return values;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.split(":", 2)[1].trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }

}
