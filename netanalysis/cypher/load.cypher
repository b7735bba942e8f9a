// Batched, idempotent loads of the property graph (netanalysis.backends.neo4j.push).
// Nodes MERGE on `id`; relationships MERGE on their two ends and a deterministic `key`
// (source file and line, or the aggregated pair), so a push repeated or resumed after an
// interruption creates no duplicates. `SET x = row.props` makes the stored properties exactly
// those of the current push (props holds id / key too).
// Labels and relationship types are fixed in the text, one block per kind and per type of the
// vocabulary in netanalysis/schema/case_v1.yaml; none ever comes from data.

// name: load_person
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:Person, n = row.props

// name: load_organization
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:Organization, n = row.props

// name: load_phone
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:Phone, n = row.props

// name: load_document
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:Document, n = row.props

// name: load_place
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:Place, n = row.props

// name: load_journey
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:Journey, n = row.props

// name: load_family
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:FAMILY {key: row.key}]->(b)
SET r = row.props

// name: load_associate
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:ASSOCIATE {key: row.key}]->(b)
SET r = row.props

// name: load_co_offender
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CO_OFFENDER {key: row.key}]->(b)
SET r = row.props

// name: load_member_of
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:MEMBER_OF {key: row.key}]->(b)
SET r = row.props

// name: load_communication
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:COMMUNICATION {key: row.key}]->(b)
SET r = row.props

// name: load_financial
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:FINANCIAL {key: row.key}]->(b)
SET r = row.props

// name: load_documents
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:DOCUMENTS {key: row.key}]->(b)
SET r = row.props

// name: load_transport
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:TRANSPORT {key: row.key}]->(b)
SET r = row.props

// name: load_lodging
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:LODGING {key: row.key}]->(b)
SET r = row.props

// name: load_employment
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:EMPLOYMENT {key: row.key}]->(b)
SET r = row.props

// name: load_unknown
// reported link (links.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:UNKNOWN {key: row.key}]->(b)
SET r = row.props

// name: load_co_travel
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CO_TRAVEL {key: row.key}]->(b)
SET r = row.props

// name: load_shared_phone
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:SHARED_PHONE {key: row.key}]->(b)
SET r = row.props

// name: load_shared_document
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:SHARED_DOCUMENT {key: row.key}]->(b)
SET r = row.props

// name: load_calls
// inferred tie (inferred: true)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CALLS {key: row.key}]->(b)
SET r = row.props

// name: load_holds
// structural: Person -> Document
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:HOLDS {key: row.key}]->(b)
SET r = row.props

// name: load_uses
// structural: Person -> Phone
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:USES {key: row.key}]->(b)
SET r = row.props

// name: load_called
// structural: Phone -> Phone
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:CALLED {key: row.key}]->(b)
SET r = row.props

// name: load_travelled
// structural: Person -> Journey
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:TRAVELLED {key: row.key}]->(b)
SET r = row.props

// name: load_departs_from
// structural: Journey -> Place
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:DEPARTS_FROM {key: row.key}]->(b)
SET r = row.props

// name: load_arrives_at
// structural: Journey -> Place
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:ARRIVES_AT {key: row.key}]->(b)
SET r = row.props

// name: load_located_at
// structural: Person -> Place (locations.csv)
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:LOCATED_AT {key: row.key}]->(b)
SET r = row.props

// Fast path of a push into a database that holds no node of a previous push (checked with
// `pushed_any` after the schema, and after `clear_all` with --replace): plain CREATE, no
// MERGE. It stays resumable: every batch commits whole, so a push killed half-way leaves
// nodes behind, and the next push finds them and MERGEs (the `load_*` blocks above).
// Relationship ends are found through the unique index of Node.id.

// name: pushed_any
// Whether any node of a previous push is in the database.
MATCH (n:Node)
RETURN count(n) > 0 AS found

// name: create_person
// $rows: the nodes' property maps (id included).
UNWIND $rows AS props
CREATE (n:Node:Person)
SET n = props

// name: create_organization
// $rows: the nodes' property maps (id included).
UNWIND $rows AS props
CREATE (n:Node:Organization)
SET n = props

// name: create_phone
// $rows: the nodes' property maps (id included).
UNWIND $rows AS props
CREATE (n:Node:Phone)
SET n = props

// name: create_document
// $rows: the nodes' property maps (id included).
UNWIND $rows AS props
CREATE (n:Node:Document)
SET n = props

// name: create_place
// $rows: the nodes' property maps (id included).
UNWIND $rows AS props
CREATE (n:Node:Place)
SET n = props

// name: create_journey
// $rows: the nodes' property maps (id included).
UNWIND $rows AS props
CREATE (n:Node:Journey)
SET n = props

// name: create_family
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:FAMILY]->(b)
SET r = row.props

// name: create_associate
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:ASSOCIATE]->(b)
SET r = row.props

// name: create_co_offender
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:CO_OFFENDER]->(b)
SET r = row.props

// name: create_member_of
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:MEMBER_OF]->(b)
SET r = row.props

// name: create_communication
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:COMMUNICATION]->(b)
SET r = row.props

// name: create_financial
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:FINANCIAL]->(b)
SET r = row.props

// name: create_documents
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:DOCUMENTS]->(b)
SET r = row.props

// name: create_transport
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:TRANSPORT]->(b)
SET r = row.props

// name: create_lodging
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:LODGING]->(b)
SET r = row.props

// name: create_employment
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:EMPLOYMENT]->(b)
SET r = row.props

// name: create_unknown
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:UNKNOWN]->(b)
SET r = row.props

// name: create_co_travel
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:CO_TRAVEL]->(b)
SET r = row.props

// name: create_shared_phone
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:SHARED_PHONE]->(b)
SET r = row.props

// name: create_shared_document
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:SHARED_DOCUMENT]->(b)
SET r = row.props

// name: create_calls
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:CALLS]->(b)
SET r = row.props

// name: create_holds
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:HOLDS]->(b)
SET r = row.props

// name: create_uses
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:USES]->(b)
SET r = row.props

// name: create_called
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:CALLED]->(b)
SET r = row.props

// name: create_travelled
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:TRAVELLED]->(b)
SET r = row.props

// name: create_departs_from
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:DEPARTS_FROM]->(b)
SET r = row.props

// name: create_arrives_at
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:ARRIVES_AT]->(b)
SET r = row.props

// name: create_located_at
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:LOCATED_AT]->(b)
SET r = row.props

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

// name: create_relationships
// Relationships of every type in one statement (push_graph's CREATE path): each row is
// {s: source id, t: target id, type: vocabulary type, p: properties (key included)}; the
// FOREACH whose type matches creates it. Types are fixed here, one line per type of the
// vocabulary; none comes from data (a row of another type creates nothing).
UNWIND $rows AS row
MATCH (a:Node {id: row.s})
MATCH (b:Node {id: row.t})
FOREACH (_ IN CASE WHEN row.type = 'family' THEN [1] ELSE [] END |
  CREATE (a)-[r:FAMILY]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'associate' THEN [1] ELSE [] END |
  CREATE (a)-[r:ASSOCIATE]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'co_offender' THEN [1] ELSE [] END |
  CREATE (a)-[r:CO_OFFENDER]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'member_of' THEN [1] ELSE [] END |
  CREATE (a)-[r:MEMBER_OF]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'communication' THEN [1] ELSE [] END |
  CREATE (a)-[r:COMMUNICATION]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'financial' THEN [1] ELSE [] END |
  CREATE (a)-[r:FINANCIAL]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'documents' THEN [1] ELSE [] END |
  CREATE (a)-[r:DOCUMENTS]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'transport' THEN [1] ELSE [] END |
  CREATE (a)-[r:TRANSPORT]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'lodging' THEN [1] ELSE [] END |
  CREATE (a)-[r:LODGING]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'employment' THEN [1] ELSE [] END |
  CREATE (a)-[r:EMPLOYMENT]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'unknown' THEN [1] ELSE [] END |
  CREATE (a)-[r:UNKNOWN]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'co_travel' THEN [1] ELSE [] END |
  CREATE (a)-[r:CO_TRAVEL]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'shared_phone' THEN [1] ELSE [] END |
  CREATE (a)-[r:SHARED_PHONE]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'shared_document' THEN [1] ELSE [] END |
  CREATE (a)-[r:SHARED_DOCUMENT]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'calls' THEN [1] ELSE [] END |
  CREATE (a)-[r:CALLS]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'holds' THEN [1] ELSE [] END |
  CREATE (a)-[r:HOLDS]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'uses' THEN [1] ELSE [] END |
  CREATE (a)-[r:USES]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'called' THEN [1] ELSE [] END |
  CREATE (a)-[r:CALLED]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'travelled' THEN [1] ELSE [] END |
  CREATE (a)-[r:TRAVELLED]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'departs_from' THEN [1] ELSE [] END |
  CREATE (a)-[r:DEPARTS_FROM]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'arrives_at' THEN [1] ELSE [] END |
  CREATE (a)-[r:ARRIVES_AT]->(b) SET r = row.p)
FOREACH (_ IN CASE WHEN row.type = 'located_at' THEN [1] ELSE [] END |
  CREATE (a)-[r:LOCATED_AT]->(b) SET r = row.p)
