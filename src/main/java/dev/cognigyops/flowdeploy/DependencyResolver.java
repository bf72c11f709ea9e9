package dev.cognigyops.flowdeploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which flows depend on what, what is missing, and in which order flows are pushed.
 *
 * <p>A flow's {@code externalReferences} of type {@code flow} are edges to other flows (written as
 * the plain flow id); intents, entities and variables are written {@code type:id}. The push order
 * puts referenced flows first; among flows that are ready at the same time the smaller id goes
 * first. A cycle cannot be ordered: it is reported, and broken deterministically — when no flow is
 * ready, the smallest id of a cycle that waits on nothing outside itself goes next, and its edges to
 * flows not yet placed are recorded as broken. A flow referencing itself is a cycle of one.
 */
public final class DependencyResolver {

    /**
     * The graph, what is missing, and the order. Every collection is sorted, so it is written as JSON as is.
     * {@code outsideSelection} maps each flow that was exported but not selected (flowIds), yet is
     * referenced by a selected one, to the flows referencing it: such a flow is not pushed, so it
     * must already be in the target ({@link #missingInTarget}).
     */
    public record Resolution(SortedMap<String, SortedSet<String>> graph, List<String> missing, List<String> order,
                             List<List<String>> cycles, List<String> brokenEdges,
                             SortedMap<String, SortedSet<String>> outsideSelection) {

        /**
         * Every missing dependency: those {@link #missing} names, and each referenced flow outside
         * the selection that is not in the target; sorted.
         *
         * @param inTarget which of the {@code outsideSelection} flows the target holds
         */
        public List<String> missingInTarget(Set<String> inTarget, String environment) {
            SortedSet<String> all = new TreeSet<>(missing);
            outsideSelection.forEach((ref, referencing) -> {
                if (!inTarget.contains(ref)) {
                    referencing.forEach(id -> all.add("flow " + id + " references flow " + ref
                            + ", which was exported but is not among the selected flowIds and is not in environment "
                            + environment));
                }
            });
            return List.copyOf(all);
        }
    }

    private DependencyResolver() {
    }

    /**
     * @param flows          the flows to deploy
     * @param exportedIds    every flow id the source listed: a reference to one not among {@code flows}
     *                       is not missing yet, but must be in the target ({@code outsideSelection})
     * @param targetIntents  intent ids in the target environment
     * @param targetEntities entity ids in the target environment
     * @param environment    the target environment id, for messages
     */
    public static Resolution resolve(List<JsonNode> flows, Set<String> exportedIds, Set<String> targetIntents,
                                     Set<String> targetEntities, String environment) {
        SortedMap<String, SortedSet<String>> graph = new TreeMap<>();
        SortedMap<String, SortedSet<String>> flowEdges = new TreeMap<>();
        Set<String> deploying = new TreeSet<>();
        flows.forEach(f -> deploying.add(f.path("id").asText()));
        SortedSet<String> missing = new TreeSet<>();
        SortedMap<String, SortedSet<String>> outside = new TreeMap<>();
        for (JsonNode flow : flows) {
            String id = flow.path("id").asText();
            SortedSet<String> deps = graph.computeIfAbsent(id, k -> new TreeSet<>());
            SortedSet<String> edges = flowEdges.computeIfAbsent(id, k -> new TreeSet<>());
            for (JsonNode ref : flow.path("externalReferences")) {
                String type = ref.path("type").asText();
                String refId = ref.path("id").asText();
                switch (type) {
                    case "flow" -> {
                        deps.add(refId);
                        if (deploying.contains(refId)) {
                            edges.add(refId);
                        } else if (exportedIds.contains(refId)) {
                            // not pushed by this run: fine when the target already has it
                            outside.computeIfAbsent(refId, k -> new TreeSet<>()).add(id);
                        } else {
                            missing.add("flow " + id + " references flow " + refId
                                    + ", which is not among the exported flows");
                        }
                    }
                    case "intent", "entity" -> {
                        deps.add(type + ":" + refId);
                        if (!(type.equals("intent") ? targetIntents : targetEntities).contains(refId)) {
                            missing.add("flow " + id + " references " + type + " " + refId
                                    + ", which does not exist in environment " + environment);
                        }
                    }
                    default -> deps.add(type + ":" + refId);
                }
            }
        }
        List<List<String>> cycles = cycles(flowEdges);
        List<String> broken = new ArrayList<>();
        List<String> order = order(flowEdges, cycles, broken);
        return new Resolution(graph, List.copyOf(missing), order, cycles, broken, outside);
    }

    /** Which intent (or entity) ids the flows reference; empty when none, so the target need not be listed. */
    public static Set<String> referenced(Collection<JsonNode> flows, String type) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode flow : flows) {
            for (JsonNode ref : flow.path("externalReferences")) {
                if (type.equals(ref.path("type").asText())) {
                    ids.add(ref.path("id").asText());
                }
            }
        }
        return ids;
    }

    /** Kahn's algorithm, smallest ready id first; a stuck graph is a cycle, broken as the class says. */
    static List<String> order(SortedMap<String, SortedSet<String>> edges, List<List<String>> cycles, List<String> broken) {
        Map<String, Integer> component = new HashMap<>();
        for (int c = 0; c < cycles.size(); c++) {
            for (String id : cycles.get(c)) {
                component.put(id, c);
            }
        }
        Map<String, Set<String>> waitingOn = new HashMap<>();
        Map<String, Set<String>> dependents = new HashMap<>();
        for (var e : edges.entrySet()) {
            Set<String> deps = new TreeSet<>(e.getValue());
            deps.remove(e.getKey());
            waitingOn.put(e.getKey(), deps);
            for (String d : deps) {
                dependents.computeIfAbsent(d, k -> new TreeSet<>()).add(e.getKey());
            }
        }
        PriorityQueue<String> ready = new PriorityQueue<>();
        waitingOn.forEach((id, deps) -> {
            if (deps.isEmpty()) {
                ready.add(id);
            }
        });
        List<String> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (placed.size() < edges.size()) {
            String next = ready.poll();
            if (next == null) {
                next = breakCycle(waitingOn, placed, component);
                for (String dep : waitingOn.get(next)) {
                    broken.add(next + " -> " + dep);
                }
            }
            if (!placed.add(next)) {
                continue;
            }
            order.add(next);
            waitingOn.get(next).clear();
            for (String dependent : dependents.getOrDefault(next, Set.of())) {
                Set<String> deps = waitingOn.get(dependent);
                if (deps.remove(next) && deps.isEmpty() && !placed.contains(dependent)) {
                    ready.add(dependent);
                }
            }
        }
        broken.sort(null);
        return order;
    }

    /** The smallest id of a cycle whose unplaced members wait only on each other. */
    private static String breakCycle(Map<String, Set<String>> waitingOn, Set<String> placed, Map<String, Integer> component) {
        String best = null;
        for (var e : new TreeMap<>(waitingOn).entrySet()) {
            String id = e.getKey();
            if (placed.contains(id) || !component.containsKey(id)) {
                continue;
            }
            Integer c = component.get(id);
            boolean closed = e.getValue().stream().allMatch(d -> c.equals(component.get(d)));
            if (closed) {
                best = id;
                break;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no cycle to break although no flow is ready: " + waitingOn);
        }
        return best;
    }

    /** Tarjan's strongly connected components of two or more flows, and flows that reference themselves; sorted. */
    static List<List<String>> cycles(SortedMap<String, SortedSet<String>> edges) {
        var tarjan = new Object() {
            int index;
            final Map<String, Integer> indexOf = new HashMap<>();
            final Map<String, Integer> low = new HashMap<>();
            final Deque<String> stack = new ArrayDeque<>();
            final Set<String> onStack = new java.util.HashSet<>();
            final List<List<String>> found = new ArrayList<>();

            void visit(String v) {
                // iterative, so a long chain of flows cannot overflow the stack
                Deque<Object[]> work = new ArrayDeque<>();
                enter(v);
                work.push(new Object[] {v, edges.getOrDefault(v, new TreeSet<>()).iterator()});
                while (!work.isEmpty()) {
                    Object[] frame = work.peek();
                    String node = (String) frame[0];
                    @SuppressWarnings("unchecked")
                    java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
                    if (it.hasNext()) {
                        String w = it.next();
                        if (!edges.containsKey(w)) {
                            continue;
                        }
                        if (!indexOf.containsKey(w)) {
                            enter(w);
                            work.push(new Object[] {w, edges.get(w).iterator()});
                        } else if (onStack.contains(w)) {
                            low.put(node, Math.min(low.get(node), indexOf.get(w)));
                        }
                    } else {
                        work.pop();
                        if (!work.isEmpty()) {
                            String parent = (String) work.peek()[0];
                            low.put(parent, Math.min(low.get(parent), low.get(node)));
                        }
                        if (low.get(node).equals(indexOf.get(node))) {
                            List<String> scc = new ArrayList<>();
                            String w;
                            do {
                                w = stack.pop();
                                onStack.remove(w);
                                scc.add(w);
                            } while (!w.equals(node));
                            if (scc.size() > 1 || edges.get(node).contains(node)) {
                                scc.sort(null);
                                found.add(scc);
                            }
                        }
                    }
                }
            }

            void enter(String v) {
                indexOf.put(v, index);
                low.put(v, index);
                index++;
                stack.push(v);
                onStack.add(v);
            }
        };
        for (String v : edges.keySet()) {
            if (!tarjan.indexOf.containsKey(v)) {
                tarjan.visit(v);
            }
        }
        List<List<String>> cycles = new ArrayList<>(tarjan.found);
        cycles.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return cycles;
    }
}
