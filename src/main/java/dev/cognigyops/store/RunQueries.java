package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * What the runs API reads from the run store (docs/contract.md §8): the runs, filtered and paged newest
 * first; one run as it stands; its audit events in order. Plain JDBC, the same SQL on H2 and PostgreSQL;
 * it only reads.
 */
public final class RunQueries {

    /** A run's row as the API lists it. */
    public record Summary(String runId, String requestId, String operation, String trigger, String status, String phase,
                          Instant startedAt, Instant finishedAt, String owner) {
    }

    /** A run's row as the API shows one run. */
    public record Detail(Summary summary, String source, Instant updatedAt, long checkpoints, String state, String result,
                         boolean cancelRequested) {
    }

    /** Which runs: each null filter is not applied; {@code since}: started at or after it. */
    public record Filter(String operation, String status, String trigger, Instant since) {
    }

    /** A sort key: a page starts after it (newest first: started earlier, or as early with a lower run id). */
    public record Position(Instant startedAt, String runId) {
    }

    /** A page of runs, and the position of its last run when more follow (else null). */
    public record Page(List<Summary> runs, Position next) {
    }

    private static final String SUMMARY_COLUMNS = "run_id, request_id, operation, trigger_name, status, phase, started_at,"
            + " finished_at, owner";

    /**
     * The runs and the rejected requests (V6: a REJECTED request is no row of runs), as one table with the
     * summary's columns: a rejected request has no phase and no owner.
     */
    private static final String RUNS_AND_REJECTED = "(SELECT " + SUMMARY_COLUMNS + " FROM runs UNION ALL"
            + " SELECT run_id, request_id, operation, trigger_name, 'REJECTED' AS status, CAST(NULL AS VARCHAR(64)) AS phase,"
            + " started_at, finished_at, CAST(NULL AS VARCHAR(300)) AS owner FROM rejected_runs) AS listed";

    private final DataSource dataSource;

    public RunQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** At most {@code limit} runs matching {@code filter}, newest first (started_at, run_id descending), after {@code after}. */
    public Page list(Filter filter, int limit, Position after) {
        StringBuilder sql = new StringBuilder("SELECT ").append(SUMMARY_COLUMNS).append(" FROM ").append(RUNS_AND_REJECTED)
                .append(" WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (filter.operation() != null) {
            sql.append(" AND operation = ?");
            values.add(filter.operation());
        }
        if (filter.status() != null) {
            sql.append(" AND status = ?");
            values.add(filter.status());
        }
        if (filter.trigger() != null) {
            sql.append(" AND trigger_name = ?");
            values.add(filter.trigger());
        }
        if (filter.since() != null) {
            sql.append(" AND started_at >= ?");
            values.add(RunStore.time(filter.since()));
        }
        if (after != null) {
            sql.append(" AND (started_at < ? OR (started_at = ? AND run_id < ?))");
            values.add(RunStore.time(after.startedAt()));
            values.add(RunStore.time(after.startedAt()));
            values.add(after.runId());
        }
        sql.append(" ORDER BY started_at DESC, run_id DESC LIMIT ?");
        values.add(limit + 1);
        List<Summary> runs = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    runs.add(summary(r));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not list runs", e);
        }
        if (runs.size() <= limit) {
            return new Page(runs, null);
        }
        List<Summary> page = List.copyOf(runs.subList(0, limit));
        Summary last = page.get(limit - 1);
        return new Page(page, new Position(last.startedAt(), last.runId()));
    }

    /** One run as it stands, if the store has it. */
    public Optional<Detail> run(String runId) {
        String sql = "SELECT " + SUMMARY_COLUMNS + ", source, updated_at, checkpoints, state, result, cancel_requested_at"
                + " FROM runs WHERE run_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, runId);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return Optional.of(new Detail(summary(r), r.getString(10), RunStore.instant(r, 11), r.getLong(12),
                            r.getString(13), r.getString(14), r.getObject(15) != null));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read run " + runId, e);
        }
        return rejected(runId);
    }

    /** The latest rejection of this run id, when it never ran. */
    private Optional<Detail> rejected(String runId) {
        String sql = "SELECT run_id, request_id, operation, trigger_name, 'REJECTED', CAST(NULL AS VARCHAR(64)), started_at,"
                + " finished_at, CAST(NULL AS VARCHAR(300)), source, finished_at, result FROM rejected_runs WHERE run_id = ?"
                + " ORDER BY seq DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, runId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Detail(summary(r), r.getString(10), RunStore.instant(r, 11), 0, null,
                        r.getString(12), false));
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read run " + runId, e);
        }
    }

    /** The run's audit events (their JSON lines), in the order they were written. */
    public List<String> events(String runId) {
        String sql = "SELECT event FROM audit_events WHERE run_id = ? ORDER BY seq";
        List<String> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, runId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    events.add(r.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read the audit events of run " + runId, e);
        }
        return events;
    }

    /** The run's last audit event with this action (its JSON line), and how many it has. */
    public record LastEvent(String event, long count) {
    }

    public Optional<LastEvent> lastEvent(String runId, String action) {
        String count = "SELECT count(*) FROM audit_events WHERE run_id = ? AND action = ?";
        String last = "SELECT event FROM audit_events WHERE run_id = ? AND action = ? ORDER BY seq DESC LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement n = c.prepareStatement(count);
             PreparedStatement e = c.prepareStatement(last)) {
            n.setString(1, runId);
            n.setString(2, action);
            long how;
            try (ResultSet r = n.executeQuery()) {
                r.next();
                how = r.getLong(1);
            }
            if (how == 0) {
                return Optional.empty();
            }
            e.setString(1, runId);
            e.setString(2, action);
            try (ResultSet r = e.executeQuery()) {
                return r.next() ? Optional.of(new LastEvent(r.getString(1), how)) : Optional.empty();
            }
        } catch (SQLException x) {
            throw new StoreException("the run store could not read the audit events of run " + runId, x);
        }
    }

    private static Summary summary(ResultSet r) throws SQLException {
        return new Summary(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                RunStore.instant(r, 7), RunStore.instant(r, 8), r.getString(9));
    }
}
