package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cognigyops.flowdeploy.EnvironmentLocks;

/**
 * flow-deploy's one-deployment-per-environment rule across every instance on one run store (table
 * {@code environment_locks}, migration {@code V2}). A lock names the run that holds it; claiming is an
 * INSERT, and a unique violation means the environment is held.
 * <p>
 * <b>When a lock is stale.</b> A lock is held exactly as long as its run is {@code RUNNING} in
 * {@code runs}. A lock whose run has ended (any other status) or whose run's row is gone is stale,
 * and the next claim takes it over, in one conditional UPDATE, so of several claims at once one wins.
 * A crashed instance therefore locks an environment only until its run ends: once the run's lease
 * lapses, an instance resumes it (docs/contract.md#durable-runs) and it ends there, releasing the lock
 * or leaving it stale. A run whose lease has lapsed but is still {@code RUNNING} keeps its lock on
 * purpose: it is about to be resumed, perhaps half-pushed, and must find its environment as it left
 * it, not with another deployment reading "previous versions" from its half-done push.
 * <p>
 * A run re-claiming the lock it holds (a resumed run, on this or another instance) gets it, and the
 * lock then names the instance that resumed it; a release deletes the lock only when it names both
 * the run and this instance, so an instance that lost a run to another cannot free the other's lock.
 */
public final class StoredEnvironmentLocks implements EnvironmentLocks {

    private static final Logger LOG = LoggerFactory.getLogger(StoredEnvironmentLocks.class);
    /** How often a claim may find the lock changing hands under it before it gives up. */
    private static final int ATTEMPTS = 10;

    private final DataSource dataSource;
    private final String owner;
    private final Clock clock;

    /** {@code owner}: this instance, {@code node#incarnation} as in the runs it owns. */
    public StoredEnvironmentLocks(DataSource dataSource, String owner, Clock clock) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.clock = clock;
    }

    @Override
    public String claim(String environment, String runId) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (insert(environment, runId)) {
                return null;
            }
            Holder holder = holder(environment);
            if (holder == null) {
                continue; // released since: claim again
            }
            if (holder.runId().equals(runId)) {
                if (retake(environment, runId)) {
                    return null;
                }
                continue;
            }
            if (RunStore.RUNNING.equals(holder.runStatus())) {
                return holder.runId();
            }
            if (takeOver(environment, holder.runId(), runId)) {
                LOG.info("environment {}: run {} takes over the lock of run {} ({})", environment, runId, holder.runId(),
                        holder.runStatus() == null ? "no longer in the run store" : holder.runStatus());
                return null;
            }
            // another claim took it over first: look again
        }
        throw new StoreException("the lock of environment " + environment + " changed hands " + ATTEMPTS
                + " times while run " + runId + " claimed it");
    }

    @Override
    public void release(String environment, String runId) {
        String sql = "DELETE FROM environment_locks WHERE environment = ? AND run_id = ? AND owner = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, environment);
            s.setString(2, runId);
            s.setString(3, owner);
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // stale once the run's end is recorded: the next claim takes it over
            LOG.warn("the lock of environment {} held by run {} could not be released ({}); it is taken over once the"
                    + " run's end is in the run store", environment, runId, e.getMessage());
        }
    }

    /** The run that holds the lock, and its status in {@code runs} (null when its row is gone). */
    record Holder(String runId, String runStatus) {
    }

    /** Who holds the environment now; null when nobody does. */
    Holder holder(String environment) {
        String sql = "SELECT l.run_id, r.status FROM environment_locks l LEFT JOIN runs r ON r.run_id = l.run_id"
                + " WHERE l.environment = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, environment);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new Holder(r.getString(1), r.getString(2)) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("the run store could not read the lock of environment " + environment, e);
        }
    }

    private boolean insert(String environment, String runId) {
        String sql = "INSERT INTO environment_locks (environment, run_id, owner, acquired_at) VALUES (?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, environment);
            s.setString(2, runId);
            s.setString(3, owner);
            s.setObject(4, RunStore.time(clock.instant()));
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (RunStore.isUniqueViolation(e)) {
                return false;
            }
            throw new StoreException("the run store could not lock environment " + environment + " for run " + runId, e);
        }
    }

    /** The run holds the lock already (it is resumed): the lock now names this instance. */
    private boolean retake(String environment, String runId) {
        String sql = "UPDATE environment_locks SET owner = ?, acquired_at = ? WHERE environment = ? AND run_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, owner);
            s.setObject(2, RunStore.time(clock.instant()));
            s.setString(3, environment);
            s.setString(4, runId);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("the run store could not lock environment " + environment + " for run " + runId, e);
        }
    }

    /** Takes the lock from {@code staleRunId}, only if that run still holds it and is not RUNNING (checked in the same statement). */
    private boolean takeOver(String environment, String staleRunId, String runId) {
        String sql = "UPDATE environment_locks SET run_id = ?, owner = ?, acquired_at = ? WHERE environment = ? AND run_id = ?"
                + " AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = environment_locks.run_id AND r.status = ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, runId);
            s.setString(2, owner);
            s.setObject(3, RunStore.time(clock.instant()));
            s.setString(4, environment);
            s.setString(5, staleRunId);
            s.setString(6, RunStore.RUNNING);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("the run store could not lock environment " + environment + " for run " + runId, e);
        }
    }
}
