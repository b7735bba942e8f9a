// Batched, idempotent loads of the property graph (netanalysis.backends.neo4j.push).
// Nodes MERGE on `id`; relationships MERGE on their two ends and a deterministic `key`
// (source file and line, or the aggregated pair), so a push repeated or resumed after an
// interruption creates no duplicates. `SET x = row.props` makes the stored properties exactly
// those of the current push (props holds id / key too). It runs only where they differ (or
// the node lacks its kind's label): a node or relationship the push finds as it would write
// it is read, not written (no lock, no property rewritten one key at a time), which is most
// of a re-push or an incremental push. Each block returns how many rows it wrote.
// Labels and relationship types are fixed in the text, one block per kind and per type of the
// vocabulary in netanalysis/schema/case_v1.yaml; none ever comes from data.

// name: load_person
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
WITH n, row
WHERE NOT n:Person OR properties(n) <> row.props
SET n:Person, n = row.props
RETURN count(*) AS written

// name: load_organization
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
WITH n, row
WHERE NOT n:Organization OR properties(n) <> row.props
SET n:Organization, n = row.props
RETURN count(*) AS written

// name: load_phone
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
WITH n, row
WHERE NOT n:Phone OR properties(n) <> row.props
SET n:Phone, n = row.props
RETURN count(*) AS written

// name: load_document
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
WITH n, row
WHERE NOT n:Document OR properties(n) <> row.props
SET n:Document, n = row.props
RETURN count(*) AS written

// name: load_place
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
WITH n, row
WHERE NOT n:Place OR properties(n) <> row.props
SET n:Place, n = row.props
RETURN count(*) AS written

// name: load_journey
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
WITH n, row
WHERE NOT n:Journey OR properties(n) <> row.props
SET n:Journey, n = row.props
RETURN count(*) AS written

// name: load_family
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:FAMILY {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_associate
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:ASSOCIATE {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_co_offender
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CO_OFFENDER {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_member_of
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:MEMBER_OF {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_communication
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:COMMUNICATION {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_financial
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:FINANCIAL {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_documents
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:DOCUMENTS {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_transport
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:TRANSPORT {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_lodging
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:LODGING {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_employment
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:EMPLOYMENT {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_unknown
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:UNKNOWN {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_co_travel
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CO_TRAVEL {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_shared_phone
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:SHARED_PHONE {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_shared_document
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:SHARED_DOCUMENT {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_calls
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CALLS {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_holds
// structural: Person -> Document
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:HOLDS {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_uses
// structural: Person -> Phone
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:USES {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_called
// structural: Phone -> Phone
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CALLED {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_travelled
// structural: Person -> Journey
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:TRAVELLED {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_departs_from
// structural: Journey -> Place
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:DEPARTS_FROM {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_arrives_at
// structural: Journey -> Place
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:ARRIVES_AT {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_located_at
// structural: Person -> Place (locations.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:LOCATED_AT {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// name: load_based_in
// structural: Organization -> Place of its country (organizations.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:BASED_IN {key: row.key}]->(b)
WITH r, row
WHERE properties(r) <> row.props
SET r = row.props
RETURN count(*) AS written

// Fast path of a push into a database that holds no node of a previous push (checked with
// `pushed_any` after the schema, and after `clear_all` with --replace): plain CREATE, no
// MERGE. It stays resumable: every batch commits whole, so a push killed half-way leaves
// nodes behind, and the next push finds them and MERGEs (the `load_*` blocks above).
// A node or relationship just created has no property, so `SET x += map` stores what
// `SET x = map` would, without first removing the (absent) old ones: about 10% less server
// CPU at 10k persons (benchmarks/neo4j_push.py).

// name: pushed_any
// Whether any node of a previous push is in the database.
MATCH (n:Node)
RETURN count(n) > 0 AS found

// name: create_person
// $rows: the nodes' property maps (id included); returns [id, elementId] of each node.
UNWIND $rows AS props
CREATE (n:Node:Person)
SET n += props
RETURN collect([props.id, elementId(n)]) AS ids

// name: create_organization
// $rows: the nodes' property maps (id included); returns [id, elementId] of each node.
UNWIND $rows AS props
CREATE (n:Node:Organization)
SET n += props
RETURN collect([props.id, elementId(n)]) AS ids

// name: create_phone
// $rows: the nodes' property maps (id included); returns [id, elementId] of each node.
UNWIND $rows AS props
CREATE (n:Node:Phone)
SET n += props
RETURN collect([props.id, elementId(n)]) AS ids

// name: create_document
// $rows: the nodes' property maps (id included); returns [id, elementId] of each node.
UNWIND $rows AS props
CREATE (n:Node:Document)
SET n += props
RETURN collect([props.id, elementId(n)]) AS ids

// name: create_place
// $rows: the nodes' property maps (id included); returns [id, elementId] of each node.
UNWIND $rows AS props
CREATE (n:Node:Place)
SET n += props
RETURN collect([props.id, elementId(n)]) AS ids

// name: create_journey
// $rows: the nodes' property maps (id included); returns [id, elementId] of each node.
UNWIND $rows AS props
CREATE (n:Node:Journey)
SET n += props
RETURN collect([props.id, elementId(n)]) AS ids

// Baseline for benchmarks/neo4j_push.py: the same rows written with plain CREATE (no MERGE,
// no idempotence) under a separate label, then removed.

// name: baseline_index
CREATE INDEX netanalysis_baseline_id IF NOT EXISTS FOR (n:Baseline) ON (n.id)

// name: baseline_create_nodes
UNWIND $rows AS row
CREATE (n:Baseline)
SET n = row.props

// name: baseline_create_rels
UNWIND $rows AS row
MATCH (a:Baseline {id: row.source})
MATCH (b:Baseline {id: row.target})
CREATE (a)-[r:BASELINE]->(b)
SET r = row.props

// name: baseline_delete_batch
MATCH (n:Baseline)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// Relationships of the CREATE path, one block per type: each row is {a: elementId of the
// source, b: elementId of the target, p: properties (key included)}; the element ids are
// those the create_<kind> blocks returned in the same push, so each end is found by a direct
// lookup of the node record, not by an index seek.

// name: link_family
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:FAMILY]->(b)
SET r += row.p

// name: link_associate
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:ASSOCIATE]->(b)
SET r += row.p

// name: link_co_offender
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:CO_OFFENDER]->(b)
SET r += row.p

// name: link_member_of
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:MEMBER_OF]->(b)
SET r += row.p

// name: link_communication
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:COMMUNICATION]->(b)
SET r += row.p

// name: link_financial
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:FINANCIAL]->(b)
SET r += row.p

// name: link_documents
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:DOCUMENTS]->(b)
SET r += row.p

// name: link_transport
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:TRANSPORT]->(b)
SET r += row.p

// name: link_lodging
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:LODGING]->(b)
SET r += row.p

// name: link_employment
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:EMPLOYMENT]->(b)
SET r += row.p

// name: link_unknown
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:UNKNOWN]->(b)
SET r += row.p

// name: link_co_travel
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:CO_TRAVEL]->(b)
SET r += row.p

// name: link_shared_phone
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:SHARED_PHONE]->(b)
SET r += row.p

// name: link_shared_document
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:SHARED_DOCUMENT]->(b)
SET r += row.p

// name: link_calls
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:CALLS]->(b)
SET r += row.p

// name: link_holds
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:HOLDS]->(b)
SET r += row.p

// name: link_uses
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:USES]->(b)
SET r += row.p

// name: link_called
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:CALLED]->(b)
SET r += row.p

// name: link_travelled
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:TRAVELLED]->(b)
SET r += row.p

// name: link_departs_from
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:DEPARTS_FROM]->(b)
SET r += row.p

// name: link_arrives_at
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:ARRIVES_AT]->(b)
SET r += row.p

// name: link_located_at
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:LOCATED_AT]->(b)
SET r += row.p

// name: link_based_in
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:BASED_IN]->(b)
SET r += row.p
