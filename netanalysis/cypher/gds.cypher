// In-database analytics with Graph Data Science (netanalysis.backends.neo4j.analytics).
// The party graph is projected undirected, one relationship per pair of parties, with
// strength = sum(weight x confidence) over the ties that pass the filters, exactly like
// netanalysis.model.party_graph; isolated parties are kept.

// name: gds_version
RETURN gds.version() AS version

// name: gds_graph_exists
CALL gds.graph.exists($graph) YIELD exists
RETURN exists

// name: gds_drop
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName

// name: gds_project_party
// $types: upper-case relationship types to keep, or null for all; $min_confidence or null;
// $include_inferred; $since / $until: partial ISO dates (or null) of a time window, with
// $keep_undated for ties that have no dates. Partial dates compare as intervals: an end
// "2024" reaches to the end of 2024 (the '~' sorts after every digit, '-' and 'T').
MATCH (a:Node)
WHERE a:Person OR a:Organization
OPTIONAL MATCH (a)-[r]-(b:Node)
WHERE (b:Person OR b:Organization) AND a.id < b.id
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH a, b, sum(coalesce(r.weight, 1.0) * coalesce(r.confidence, 0.5)) AS strength
WITH gds.graph.project($graph, a, b,
       {relationshipProperties: {strength: strength}},
       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: gds_project_circle
// The party graph restricted to $ids (the support network and its circle; $member: the same
// ids as a map id -> true), projected as gds_project_party does.
UNWIND $ids AS cid
MATCH (a:Node {id: cid})
OPTIONAL MATCH (a)-[r]-(b:Node)
WHERE (b:Person OR b:Organization) AND a.id < b.id AND $member[b.id] IS NOT NULL
  AND ($types IS NULL OR type(r) IN $types)
  AND ($min_confidence IS NULL OR coalesce(r.confidence, 0.5) >= $min_confidence)
  AND ($include_inferred OR NOT coalesce(r.inferred, false))
  AND (($since IS NULL AND $until IS NULL)
       OR (r.start IS NULL AND r.end IS NULL AND $keep_undated)
       OR ((r.start IS NOT NULL OR r.end IS NOT NULL)
           AND ($since IS NULL OR r.end IS NULL OR r.end + '~' >= $since)
           AND ($until IS NULL OR r.start IS NULL OR r.start <= $until + '~')))
WITH a, b, sum(coalesce(r.weight, 1.0) * coalesce(r.confidence, 0.5)) AS strength
WITH gds.graph.project($graph, a, b,
       {relationshipProperties: {strength: strength}},
       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: gds_degree_stream
// Number of distinct neighbouring parties.
CALL gds.degree.stream($graph) YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score AS degree

// name: gds_strength_stream
// Summed strength of the ties to the neighbouring parties (weighted degree).
CALL gds.degree.stream($graph, {relationshipWeightProperty: 'strength'}) YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score AS strength

// name: gds_pagerank_stream
CALL gds.pageRank.stream($graph, {relationshipWeightProperty: 'strength',
                                  dampingFactor: $damping, maxIterations: $max_iterations,
                                  tolerance: $tolerance, concurrency: 1})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score AS pagerank

// name: gds_betweenness_stream
// Exact betweenness (every node a source), unweighted, each pair counted once.
CALL gds.betweenness.stream($graph, {concurrency: 1})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score AS betweenness

// name: gds_betweenness_sampled_stream
// Betweenness from $sampling_size random sources chosen with $seed (Brandes & Pich 2007).
CALL gds.betweenness.stream($graph, {samplingSize: $sampling_size, samplingSeed: $seed,
                                     concurrency: 1})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS id, score AS betweenness

// name: gds_louvain_stream
CALL gds.louvain.stream($graph, {relationshipWeightProperty: 'strength', concurrency: 1})
YIELD nodeId, communityId
RETURN gds.util.asNode(nodeId).id AS id, communityId AS community

// name: gds_leiden_stream
CALL gds.leiden.stream($graph, {relationshipWeightProperty: 'strength', randomSeed: $seed,
                                gamma: $resolution, concurrency: 1})
YIELD nodeId, communityId
RETURN gds.util.asNode(nodeId).id AS id, communityId AS community

// name: gds_wcc_stream
CALL gds.wcc.stream($graph, {concurrency: 1})
YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).id AS id, componentId AS component

// name: gds_pagerank_write
CALL gds.pageRank.write($graph, {relationshipWeightProperty: 'strength',
                                 dampingFactor: $damping, maxIterations: $max_iterations,
                                 tolerance: $tolerance, writeProperty: 'pagerank'})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten AS written

// name: gds_betweenness_write
CALL gds.betweenness.write($graph, {writeProperty: 'betweenness'})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten AS written

// name: gds_louvain_write
CALL gds.louvain.write($graph, {relationshipWeightProperty: 'strength',
                                writeProperty: 'community'})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten AS written

// name: gds_wcc_write
CALL gds.wcc.write($graph, {writeProperty: 'component'})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten AS written
