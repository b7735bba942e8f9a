// The party measures computed in plain Cypher (netanalysis.backends.neo4j.analytics):
// degree, strength, support reach and group bridges, on the ties that pass the filters.
// Every block that reads ties takes the same filter parameters as gds_project_party
// ($types, $min_confidence, $include_inferred, $since, $until, $keep_undated) and repeats
// its WHERE clause, so every measure sees the same party graph. Only result columns come back.

// name: party_degree_strength
// Distinct neighbouring parties and the summed strength (weight x confidence) of the ties.
MATCH (a:Node)
WHERE a:Person OR a:Organization
OPTIONAL MATCH (a)-[r]-(b:Node)
WHERE (b:Person OR b:Organization) AND b <> a
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH a, b, sum(CASE WHEN r IS NULL THEN 0.0
                    ELSE coalesce(r.weight, 1.0) * coalesce(r.confidence, 0.5) END) AS s
RETURN a.id AS id, count(b) AS degree, sum(s) AS strength

// name: party_fugitives
// The fugitives and what their value is computed from (a few rows).
MATCH (p:Person)
WHERE p.role = 'fugitive'
RETURN p.id AS id, p.role AS role, p.notice AS notice, p.wanted_by AS wanted_by,
       p.offences AS offences

// name: support_step
// One step back along the support ties ($support: their relationship types; supplier ->
// receiver): for each {node, fugitive} of $frontier, the parties that supply `node`.
UNWIND $frontier AS row
MATCH (t:Node {id: row.node})<-[r]-(s:Node)
WHERE (s:Person OR s:Organization) AND s <> t AND type(r) IN $support
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
RETURN DISTINCT s.id AS node, row.fugitive AS fugitive

// name: support_received
// Distinct direct suppliers of every party that receives support, and the types received.
MATCH (s:Node)-[r]->(t:Node)
WHERE (s:Person OR s:Organization) AND (t:Person OR t:Organization) AND s <> t
  AND type(r) IN $support
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
RETURN t.id AS id, count(DISTINCT s) AS supported_by,
       collect(DISTINCT toLower(type(r))) AS services_received

// name: support_given
// For every direct supplier of a fugitive ($values: fugitive id -> value): the support types
// it supplies to fugitives and the most valuable fugitive it supplies (ties by id).
MATCH (s:Node)-[r]->(t:Node)
WHERE (s:Person OR s:Organization) AND s <> t AND $values[t.id] IS NOT NULL
  AND type(r) IN $support
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH s, t, collect(DISTINCT toLower(type(r))) AS types
ORDER BY $values[t.id] DESC, t.id ASC
WITH s, collect(t.id) AS fugitives, collect(types) AS typelists
RETURN s.id AS id, fugitives[0] AS top_fugitive,
       reduce(acc = [], x IN typelists | acc + x) AS services

// name: support_core
// The parties at either end of a support tie.
MATCH (s:Node)-[r]-(t:Node)
WHERE (s:Person OR s:Organization) AND (t:Person OR t:Organization) AND s <> t
  AND type(r) IN $support
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
RETURN DISTINCT s.id AS id

// name: party_neighbours
// The parties tied to those of $ids (the circle of the support network), $ids included.
UNWIND $ids AS cid
MATCH (a:Node {id: cid})
OPTIONAL MATCH (a)-[r]-(b:Node)
WHERE (b:Person OR b:Organization) AND b <> a
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH collect(DISTINCT a.id) + collect(DISTINCT b.id) AS found
UNWIND found AS id
RETURN DISTINCT id

// name: party_bridges
// Group bridges for the partition $groups (party id -> group): for every party with ties to
// other groups, how many groups, how many ties (pairs of parties), and the three groups it
// has most ties to (most ties first, then the smaller group number).
MATCH (a:Node)-[r]-(b:Node)
WHERE (a:Person OR a:Organization) AND (b:Person OR b:Organization) AND a <> b
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH DISTINCT a, b
WITH a, $groups[a.id] AS ga, $groups[b.id] AS gb
WHERE ga <> gb
WITH a, gb, count(*) AS ties
ORDER BY ties DESC, gb ASC
RETURN a.id AS id, count(gb) AS other_groups, sum(ties) AS outside_ties,
       collect(gb)[0..3] AS bridged

// name: party_projection
// The party projection without GDS: one row per pair of parties (ids and strength).
MATCH (a:Node)-[r]-(b:Node)
WHERE (a:Person OR a:Organization) AND (b:Person OR b:Organization) AND a.id < b.id
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
RETURN a.id AS source, b.id AS target,
       sum(coalesce(r.weight, 1.0) * coalesce(r.confidence, 0.5)) AS strength

// name: circle_group_ties
// The tie counts a partition's splits are tested on (rank.communities.circle_split_alpha):
// for the partition $groups (party id -> group, the support circle), the tied pairs of
// parties counted by the groups of their two ends (low <= high; low = high: inside a group).
UNWIND keys($groups) AS cid
MATCH (a:Node {id: cid})-[r]-(b:Node)
WHERE (b:Person OR b:Organization) AND a.id < b.id AND $groups[b.id] IS NOT NULL
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH DISTINCT a, b
WITH $groups[a.id] AS ga, $groups[b.id] AS gb
WITH CASE WHEN ga <= gb THEN ga ELSE gb END AS low,
     CASE WHEN ga <= gb THEN gb ELSE ga END AS high
RETURN low, high, count(*) AS ties

// name: gf_two_path_cost
// What the Gould-Fernandez roles would cost (netanalysis.analyze.run, rank.brokerage
// .max_two_paths): the sum over parties of in-degree x out-degree counted per tie, on the
// support ties alone (`support`: supplier -> receiver) and with the communication ties
// ($communication, read both ways) of the parties of the support network ($inside: id ->
// true) added; `communication` counts those ties (each seen from both ends). Only the
// parties of the support network and their communication contacts are visited.
UNWIND keys($inside) AS cid
MATCH (x:Node {id: cid})
OPTIONAL MATCH (x)-[r]-(w:Node)
WHERE (w:Person OR w:Organization) AND w <> x AND type(r) IN $communication
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH collect(DISTINCT x) + collect(DISTINCT w) AS found
UNWIND found AS v
WITH DISTINCT v
MATCH (v)-[r]-(w:Node)
WHERE (w:Person OR w:Organization) AND v <> w
  AND (type(r) IN $support OR (type(r) IN $communication
                               AND ($inside[v.id] IS NOT NULL OR $inside[w.id] IS NOT NULL)))
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH v,
     sum(CASE WHEN type(r) IN $support AND endNode(r) = v THEN 1 ELSE 0 END) AS sin,
     sum(CASE WHEN type(r) IN $support AND startNode(r) = v THEN 1 ELSE 0 END) AS sout,
     sum(CASE WHEN type(r) IN $support THEN 0 ELSE 1 END) AS comm
RETURN sum(sin * sout) AS support, sum((sin + comm) * (sout + comm)) AS with_communication,
       sum(comm) AS communication

// name: gf_roles
// Gould-Fernandez brokerage counts (netanalysis.analyze.brokerage_roles) for the partition
// $groups (party id -> group) on the arcs the embedded backend uses: every support tie
// ($support) from supplier to receiver and, when $with_communication, every communication
// tie ($communication) with an end in the support network ($inside: id -> true) both ways.
// For each broker v, every open two-path a -> v -> c (a <> c, no arc a -> c) over distinct
// neighbours counts once, in the role given by the groups of a, v and c. One row per broker
// with a role. Only the parties with an arc (the support network and, with the
// communication ties, its contacts) are visited.
UNWIND keys($inside) AS cid
MATCH (x:Node {id: cid})
OPTIONAL MATCH (x)-[r]-(w:Node)
WHERE $with_communication AND (w:Person OR w:Organization) AND w <> x AND type(r) IN $communication
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH collect(DISTINCT x) + collect(DISTINCT w) AS found
UNWIND found AS v
WITH DISTINCT v
CALL {
  WITH v
  MATCH (v)-[r]-(w:Node)
  WHERE (w:Person OR w:Organization) AND w <> v
    AND (type(r) IN $support
         OR ($with_communication AND type(r) IN $communication
             AND ($inside[v.id] IS NOT NULL OR $inside[w.id] IS NOT NULL)))
    AND ($types IS NULL OR type(r) IN $types)
    AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
    AND ($include_inferred OR NOT coalesce(r.inferred, false))
    AND (($since IS NULL AND $until IS NULL)
         OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
         OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
             AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
             AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
  WITH w, NOT type(r) IN $support AS both, endNode(r) = v AS incoming
  RETURN collect(DISTINCT CASE WHEN both OR incoming THEN w END) AS ins,
         collect(DISTINCT CASE WHEN both OR NOT incoming THEN w END) AS outs
}
WITH v, ins, outs
WHERE size(ins) > 0 AND size(outs) > 0
UNWIND ins AS a
UNWIND outs AS c
WITH v, a, c
WHERE a <> c AND NOT EXISTS {
  MATCH (a)-[r]-(c)
  WHERE ((type(r) IN $support AND startNode(r) = a)
         OR ($with_communication AND type(r) IN $communication
             AND ($inside[a.id] IS NOT NULL OR $inside[c.id] IS NOT NULL)))
    AND ($types IS NULL OR type(r) IN $types)
    AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
    AND ($include_inferred OR NOT coalesce(r.inferred, false))
    AND (($since IS NULL AND $until IS NULL)
         OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
         OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
             AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
             AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
}
WITH v, $groups[v.id] AS gv, $groups[a.id] AS ga, $groups[c.id] AS gc
RETURN v.id AS id,
       sum(CASE WHEN ga = gv AND gc = gv THEN 1 ELSE 0 END) AS coordinator,
       sum(CASE WHEN ga <> gv AND ga = gc THEN 1 ELSE 0 END) AS itinerant,
       sum(CASE WHEN ga = gv AND gc <> gv THEN 1 ELSE 0 END) AS representative,
       sum(CASE WHEN ga <> gv AND gc = gv THEN 1 ELSE 0 END) AS gatekeeper,
       sum(CASE WHEN ga <> gv AND gc <> gv AND ga <> gc THEN 1 ELSE 0 END) AS liaison
