package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.cognigyops.runs.RunLease;

/**
 * The run store's rows (table {@code runs}, migration {@code db/migration/V1__runs.sql}): one JDBC
 * code path for the embedded H2 and for PostgreSQL. Every write of a running run names the
 * {@link RunLease} it holds (owner and fence) and changes nothing when another instance has claimed
 * the run since: the caller learns it from the answer and stops.
 */
public final class RunStore {

    public static final String RUNNING = "RUNNING";

    /**
     * A run as accepted, before its first call out; {@code apiProfile} is the {@code cognigy.api.profile} it
     * is started on (its request and state are that profile's), null when not known.
     */
    public record NewRun(String runId, String requestId, String operation, String trigger, String source,
                         String request, Instant startedAt, String apiProfile) {

        /** A run whose profile is not recorded (as rows written before migration V7). */
        public NewRun(String runId, String requestId, String operation, String trigger, String source, String request,
                      Instant startedAt) {
            this(runId, requestId, operation, trigger, source, request, startedAt, null);
        }
    }

    /**
     * A running run this instance has just claimed, with what it needs to go on; {@code apiProfile} is the
     * profile it was started on (null for a row written before migration V7).
     */
    public record Claimed(RunLease lease, String requestId, String operation, String trigger, String source,
                          String request, String phase, String state, long checkpoints, String previousOwner,
                          Instant startedAt, Instant updatedAt, Instant previousLeaseUntil, String apiProfile) {
    }

    /** A run's row as it is, for reading. */
    public record StoredRun(String runId, String requestId, String operation, String trigger, String source,
                            String request, String status,
                            String phase, String state, long checkpoints, String owner, long fence,
                            Instant leaseUntil, String result, Instant startedAt, Instant updatedAt,
                            Instant finishedAt, String apiProfile) {
    }

    private final DataSource dataSource;

    public RunStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Writes a new run owned by {@code owner} until {@code now + lease}. Empty when the run id is
     * already in the store (its requestId ran, or runs, on this instance or another).
     */
    public Optional<RunLease> insert(NewRun run, String node, String owner, Instant now, Duration lease) {
        String sql = "INSERT INTO runs (run_id, request_id, operation, trigger_name, source, request, status, phase,"
                + " state, checkpoints, owner_node, owner, fence, lease_until, started_at, updated_at, api_profile)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, ?, ?, 1, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, run.runId());
            s.setString(2, run.requestId());
            s.setString(3, run.operation());
            s.setString(4, run.trigger());
            s.setString(5, truncate(run.source(), 2000));
            s.setString(6, run.request());
            s.setString(7, RUNNING);
            s.setString(8, node);
            s.setString(9, owner);
            s.setObject(10, time(now.plus(lease)));
            s.setObject(11, time(run.startedAt()));
            s.setObject(12, time(now));
            s.setString(13, run.apiProfile());
            s.executeUpdate();
            return Optional.of(new RunLease(run.runId(), owner, 1));
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw new StoreException("the run store could not record run " + run.runId(), e);
        }
    }

    /**
     * A REJECTED request and its result, kept for the runs API to list (docs/contract.md §8). It is no row
     * of {@code runs}: its requestId stays free for a corrected request.
     */
    public void insertRejected(NewRun run, String resultJson, Instant finishedAt) {
        String sql = "INSERT INTO rejected_runs (run_id, request_id, operation, trigger_name, source, result, started_at,"
                + " finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, run.runId());
            s.setString(2, run.requestId());
            s.setString(3, truncate(run.operation(), 64));
            s.setString(4, run.trigger());
            s.setString(5, truncate(run.source(), 2000));
            s.setString(6, resultJson);
            s.setObject(7, time(run.startedAt()));
            s.setObject(8, time(finishedAt));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("the run store could not record rejected request " + run.runId(), e);
        }
    }

    /** Saves the run's state at {@code phase}; false when the lease is no longer this one's (nothing written). */
    public boolean checkpoint(RunLease lease, String phase, String state, Instant now) {
        String sql = "UPDATE runs SET phase = ?, state = ?, checkpoints = checkpoints + 1, updated_at = ?"
                + " WHERE run_id = ? AND owner = ? AND fence = ? AND status = ?";
        return update(sql, "save the checkpoint of run " + lease.runId(), s -> {
            s.setString(1, phase);
            s.setString(2, state);
            s.setObject(3, time(now));
            bindLease(s, 4, lease);
        }) == 1;
    }

    /** Records the run's end and its result; false when the lease is no longer this one's (nothing written). */
    public boolean finish(RunLease lease, String status, String result, Instant now) {
        String sql = "UPDATE runs SET status = ?, result = ?, finished_at = ?, updated_at = ?"
                + " WHERE run_id = ? AND owner = ? AND fence = ? AND status = ?";
        return update(sql, "record the end of run " + lease.runId(), s -> {
            s.setString(1, status);
            s.setString(2, result);
            s.setObject(3, time(now));
            s.setObject(4, time(now));
            bindLease(s, 5, lease);
        }) == 1;
    }

    /**
     * Gives a run up at once, so that the next claim takes it: its lease lapses now, and its owner
     * becomes {@code released:<owner>}, so the owner's heartbeat no longer renews it.
     */
    public boolean release(RunLease lease, Instant now) {
        String sql = "UPDATE runs SET owner = ?, lease_until = ?, updated_at = ?"
                + " WHERE run_id = ? AND owner = ? AND fence = ? AND status = ?";
        return update(sql, "release run " + lease.runId(), s -> {
            s.setString(1, "released:" + lease.owner());
            s.setObject(2, time(now));
            s.setObject(3, time(now));
            bindLease(s, 4, lease);
        }) == 1;
    }

    /** The heartbeat: every running run of {@code owner} is kept until {@code until}. Returns how many. */
    public int renew(String owner, Instant until) {
        String sql = "UPDATE runs SET lease_until = ? WHERE owner = ? AND status = ?";
        return update(sql, "renew the leases of " + owner, s -> {
            s.setObject(1, time(until));
            s.setString(2, owner);
            s.setString(3, RUNNING);
        });
    }

    /**
     * Claims up to {@code max} running runs that nobody holds: their lease has lapsed, or their owner
     * was an earlier life of this node ({@code node}, another incarnation). A claim is one conditional
     * UPDATE on the fence read, so two instances can never both claim a run.
     */
    public List<Claimed> claim(String node, String owner, Instant now, Duration lease, int max) {
        String find = "SELECT run_id, fence FROM runs WHERE status = ? AND (lease_until < ? OR (owner_node = ? AND owner <> ?))"
                + " ORDER BY started_at LIMIT ?";
        List<String[]> candidates = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(find)) {
            s.setString(1, RUNNING);
            s.setObject(2, time(now));
            s.setString(3, node);
            s.setString(4, owner);
            s.setInt(5, max);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    candidates.add(new String[] {r.getString(1), Long.toString(r.getLong(2))});
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not be searched for runs to resume", e);
        }
        List<Claimed> claimed = new ArrayList<>();
        for (String[] candidate : candidates) {
            take(candidate[0], Long.parseLong(candidate[1]), node, owner, now, lease).ifPresent(claimed::add);
        }
        return claimed;
    }

    /**
     * Claims one running run when nobody holds it (its lease has lapsed, or was released): the command
     * line going on with a run it left. Empty when the run is finished, unknown or held.
     */
    public Optional<Claimed> claimRun(String runId, String node, String owner, Instant now, Duration lease) {
        Optional<StoredRun> row = find(runId);
        if (row.isEmpty() || !RUNNING.equals(row.get().status()) || !row.get().leaseUntil().isBefore(now)) {
            return Optional.empty();
        }
        return take(runId, row.get().fence(), node, owner, now, lease);
    }

    /** The claim itself: one conditional UPDATE on the fence read, so two instances can never both take a run. */
    private Optional<Claimed> take(String runId, long fence, String node, String owner, Instant now, Duration lease) {
        Optional<StoredRun> before = find(runId);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        String take = "UPDATE runs SET owner = ?, owner_node = ?, fence = ?, lease_until = ?, updated_at = ?"
                + " WHERE run_id = ? AND fence = ? AND status = ?";
        int taken = update(take, "claim run " + runId, s -> {
            s.setString(1, owner);
            s.setString(2, node);
            s.setLong(3, fence + 1);
            s.setObject(4, time(now.plus(lease)));
            s.setObject(5, time(now));
            s.setString(6, runId);
            s.setLong(7, fence);
            s.setString(8, RUNNING);
        });
        StoredRun was = before.get();
        if (taken == 1 && was.fence() == fence) {
            return Optional.of(new Claimed(new RunLease(runId, owner, fence + 1), was.requestId(), was.operation(),
                    was.trigger(), was.source(), was.request(), was.phase(), was.state(), was.checkpoints(), was.owner(),
                    was.startedAt(), was.updatedAt(), was.leaseUntil(), was.apiProfile()));
        }
        return Optional.empty();
    }

    /** A cancel asked of a running run: when it was first asked, whether the job is to be cancelled too, by which instance. */
    public record CancelRequest(String runId, Instant requestedAt, boolean cancelJob, String requestedBy) {
    }

    /** What became of a cancel request ({@link #requestCancel}). */
    public sealed interface CancelAnswer {
        /** No run by that id. */
        record NotFound() implements CancelAnswer {
        }

        /** The run has ended already: nothing to cancel. */
        record Ended(String status) implements CancelAnswer {
        }

        /**
         * The run is RUNNING and its cancel is recorded; {@code first} when this request recorded it (a
         * repeated request changes nothing but may add {@code cancelJob}); {@code owner} holds the run now.
         */
        record Requested(boolean first, String operation, String owner) implements CancelAnswer {
        }
    }

    /**
     * Records a cancel of a running run, idempotently: the first request's time and instance stay, a
     * later one may only add {@code cancelJob}. Any instance may record it; the run's owner reads it.
     */
    public CancelAnswer requestCancel(String runId, boolean cancelJob, String requestedBy, Instant now) {
        String first = "UPDATE runs SET cancel_requested_at = ?, cancel_job = ?, cancel_requested_by = ?, updated_at = ?"
                + " WHERE run_id = ? AND status = ? AND cancel_requested_at IS NULL";
        int recorded = update(first, "record the cancel of run " + runId, s -> {
            s.setObject(1, time(now));
            s.setBoolean(2, cancelJob);
            s.setString(3, truncate(requestedBy, 300));
            s.setObject(4, time(now));
            s.setString(5, runId);
            s.setString(6, RUNNING);
        });
        if (recorded == 0 && cancelJob) {
            update("UPDATE runs SET cancel_job = ? WHERE run_id = ? AND status = ? AND cancel_requested_at IS NOT NULL",
                    "record the cancel of run " + runId, s -> {
                        s.setBoolean(1, true);
                        s.setString(2, runId);
                        s.setString(3, RUNNING);
                    });
        }
        Optional<StoredRun> row = find(runId);
        if (row.isEmpty()) {
            return new CancelAnswer.NotFound();
        }
        if (!RUNNING.equals(row.get().status())) {
            return new CancelAnswer.Ended(row.get().status());
        }
        return new CancelAnswer.Requested(recorded == 1, row.get().operation(), row.get().owner());
    }

    /** The cancel asked of a run, if one was (whatever the run's status now). */
    public Optional<CancelRequest> cancelOf(String runId) {
        String sql = "SELECT run_id, cancel_requested_at, cancel_job, cancel_requested_by FROM runs"
                + " WHERE run_id = ? AND cancel_requested_at IS NOT NULL";
        List<CancelRequest> found = cancels(sql, "read the cancel of run " + runId, s -> s.setString(1, runId));
        return found.stream().findFirst();
    }

    /** The cancels asked of the running runs {@code owner} holds. */
    public List<CancelRequest> cancelsHeldBy(String owner) {
        String sql = "SELECT run_id, cancel_requested_at, cancel_job, cancel_requested_by FROM runs"
                + " WHERE owner = ? AND status = ? AND cancel_requested_at IS NOT NULL";
        return cancels(sql, "read the cancels of " + owner, s -> {
            s.setString(1, owner);
            s.setString(2, RUNNING);
        });
    }

    private List<CancelRequest> cancels(String sql, String what, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            List<CancelRequest> found = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(new CancelRequest(r.getString(1), instant(r, 2), r.getBoolean(3), r.getString(4)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("the run store could not " + what, e);
        }
    }

    /** The run's row, if the store has it. */
    public Optional<StoredRun> find(String runId) {
        String sql = "SELECT run_id, request_id, operation, trigger_name, source, request, status, phase, state, checkpoints,"
                + " owner, fence, lease_until, result, started_at, updated_at, finished_at, api_profile FROM runs WHERE run_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, runId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredRun(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getLong(10),
                        r.getString(11), r.getLong(12), instant(r, 13), r.getString(14), instant(r, 15), instant(r, 16),
                        instant(r, 17), r.getString(18)));
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read run " + runId, e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private int update(String sql, String what, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("the run store could not " + what, e);
        }
    }

    private static void bindLease(PreparedStatement s, int from, RunLease lease) throws SQLException {
        s.setString(from, lease.runId());
        s.setString(from + 1, lease.owner());
        s.setLong(from + 2, lease.fence());
        s.setString(from + 3, RUNNING);
    }

    static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
