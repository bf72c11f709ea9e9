package dev.cognigyops.runs;

/**
 * What an instance holds of a run in the run store: the run, its owner ({@code node#incarnation})
 * and the fence it was claimed with. Every write of the run names all three; one that no longer
 * matches the row (another instance has claimed the run since) writes nothing.
 */
public record RunLease(String runId, String owner, long fence) {
}
