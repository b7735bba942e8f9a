// Reads of the property graph (netanalysis.backends.neo4j.pull and friends).
// Blocks that return nodes, relationships or paths can be pulled into networkx with
// `netanalysis neo4j pull --block NAME --param key=value`.

// name: count_nodes
MATCH (n:Node)
RETURN count(n) AS n

// name: count_relationships
MATCH (:Node)-[r]->(:Node)
RETURN count(r) AS n

// name: counts_by_label
MATCH (n:Node)
UNWIND labels(n) AS label
WITH label, count(*) AS n WHERE label <> 'Node'
RETURN label, n
ORDER BY label

// name: counts_by_type
MATCH (:Node)-[r]->(:Node)
RETURN type(r) AS type, count(*) AS n
ORDER BY type

// name: all_nodes
MATCH (n:Node)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props

// name: all_relationships
MATCH (a:Node)-[r]->(b:Node)
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props

// name: node_exists
MATCH (n:Node {id: $id})
RETURN n.id AS id, labels(n) AS labels

// name: neighbour_ids
// One step of a breadth-first walk: the ids next to any of $ids, in either direction.
UNWIND $ids AS id
MATCH (:Node {id: id})--(m:Node)
RETURN DISTINCT m.id AS id

// name: nodes_by_id
UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props

// name: relationships_among
// Every relationship whose two ends are both in $ids.
UNWIND $ids AS id
MATCH (a:Node {id: id})-[r]->(b:Node)
WHERE b.id IN $ids
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props

// name: fugitive_subgraph
// A fugitive's neighbourhood within 2 steps (any relationship), as a graph.
MATCH p = (f:Person {id: $id})-[*0..2]-(:Node)
RETURN p

// name: shortest_path
// One shortest chain of relationships (any type, at most 12 steps) between two nodes.
MATCH (a:Node {id: $source})
MATCH (b:Node {id: $target})
MATCH p = shortestPath((a)-[*..12]-(b))
RETURN p

// name: party_shortest_paths
// Every shortest chain between two parties through ties between parties only.
MATCH (a:Node {id: $source})
MATCH (b:Node {id: $target})
MATCH p = allShortestPaths((a)-[*..12]-(b))
WHERE all(n IN nodes(p) WHERE n:Person OR n:Organization)
RETURN p

// name: co_travellers
// People who shared a journey (same flight, same day) with a person.
MATCH (p:Person {id: $id})-[:TRAVELLED]->(j:Journey)<-[:TRAVELLED]-(o:Person)
WHERE o <> p
RETURN o.id AS person_id, j.id AS journey, j.depart AS depart
ORDER BY depart, person_id

// name: co_travel_graph
// The same as a graph: the person, the shared journeys and the other travellers.
MATCH p = (:Person {id: $id})-[:TRAVELLED]->(:Journey)<-[:TRAVELLED]-(:Person)
RETURN p

// name: support_network
// Who supplies a fugitive with documents, transport, lodging or money, and who supplies them
// (two rings of support ties, followed from supplier to receiver).
MATCH p = (:Node)-[:DOCUMENTS|TRANSPORT|LODGING|FINANCIAL*1..2]->(:Person {id: $id})
RETURN p

// name: supporters
MATCH (s:Node)-[r:DOCUMENTS|TRANSPORT|LODGING|FINANCIAL]->(:Person {id: $id})
RETURN s.id AS id, s.name AS name, s.role AS role, toLower(type(r)) AS service,
       r.confidence AS confidence, r.grading AS grading, r.provenance AS provenance
ORDER BY confidence DESC, id

// name: party_graph
// Every person and organization with the ties between them (isolated parties included).
MATCH (a:Node)
WHERE a:Person OR a:Organization
OPTIONAL MATCH (a)-[r]->(b:Node)
WHERE b:Person OR b:Organization
RETURN a, r, b

// name: party_nodes
MATCH (n:Node)
WHERE n:Person OR n:Organization
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props

// name: party_edges
// The ties between parties as rows (the columns of netanalysis.model.party_edges).
MATCH (a:Node)-[r]->(b:Node)
WHERE (a:Person OR a:Organization) AND (b:Person OR b:Organization)
RETURN a.id AS source, b.id AS target, toLower(type(r)) AS type,
       coalesce(r.directed, false) AS directed, coalesce(r.weight, 1.0) AS weight,
       r.grading AS grading, coalesce(r.confidence, 0.5) AS confidence,
       r.start AS start, r.end AS end, r.provenance AS provenance,
       coalesce(r.inferred, false) AS inferred, r.evidence AS evidence, r.line AS line
