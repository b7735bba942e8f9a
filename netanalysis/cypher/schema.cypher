// Schema of the netanalysis property graph in Neo4j.
// Every node carries the label Node plus its kind (Person, Organization, Phone, Document,
// Place, Journey); `id` is the node id of netanalysis.model.build_graph, unique across kinds.
// Each block is one statement; netanalysis.backends.neo4j.push runs them all (IF NOT EXISTS).

// name: constraint_node_id
CREATE CONSTRAINT netanalysis_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE

// name: constraint_person_id
CREATE CONSTRAINT netanalysis_person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE

// name: constraint_organization_id
CREATE CONSTRAINT netanalysis_organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE

// name: constraint_phone_id
CREATE CONSTRAINT netanalysis_phone_id IF NOT EXISTS FOR (n:Phone) REQUIRE n.id IS UNIQUE

// name: constraint_document_id
CREATE CONSTRAINT netanalysis_document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE

// name: constraint_place_id
CREATE CONSTRAINT netanalysis_place_id IF NOT EXISTS FOR (n:Place) REQUIRE n.id IS UNIQUE

// name: constraint_journey_id
CREATE CONSTRAINT netanalysis_journey_id IF NOT EXISTS FOR (n:Journey) REQUIRE n.id IS UNIQUE

// name: index_person_name
CREATE INDEX netanalysis_person_name IF NOT EXISTS FOR (n:Person) ON (n.name)

// name: index_person_role
CREATE INDEX netanalysis_person_role IF NOT EXISTS FOR (n:Person) ON (n.role)

// name: index_organization_name
CREATE INDEX netanalysis_organization_name IF NOT EXISTS FOR (n:Organization) ON (n.name)

// name: index_phone_number
CREATE INDEX netanalysis_phone_number IF NOT EXISTS FOR (n:Phone) ON (n.number)

// name: index_document_number
CREATE INDEX netanalysis_document_number IF NOT EXISTS FOR (n:Document) ON (n.number)

// name: await_indexes
// Wait until every index is online before loading (constraints are backed by indexes).
CALL db.awaitIndexes(300)

// The CREATE push into a database that holds no node of a previous push drops the
// constraints and indexes above first and builds them again after the load
// (netanalysis.backends.neo4j.push): one index population over the loaded nodes costs
// less than an index update per node written. Only netanalysis' own names are dropped.

// name: drop_constraint_node_id
DROP CONSTRAINT netanalysis_node_id IF EXISTS

// name: drop_constraint_person_id
DROP CONSTRAINT netanalysis_person_id IF EXISTS

// name: drop_constraint_organization_id
DROP CONSTRAINT netanalysis_organization_id IF EXISTS

// name: drop_constraint_phone_id
DROP CONSTRAINT netanalysis_phone_id IF EXISTS

// name: drop_constraint_document_id
DROP CONSTRAINT netanalysis_document_id IF EXISTS

// name: drop_constraint_place_id
DROP CONSTRAINT netanalysis_place_id IF EXISTS

// name: drop_constraint_journey_id
DROP CONSTRAINT netanalysis_journey_id IF EXISTS

// name: drop_index_person_name
DROP INDEX netanalysis_person_name IF EXISTS

// name: drop_index_person_role
DROP INDEX netanalysis_person_role IF EXISTS

// name: drop_index_organization_name
DROP INDEX netanalysis_organization_name IF EXISTS

// name: drop_index_phone_number
DROP INDEX netanalysis_phone_number IF EXISTS

// name: drop_index_document_number
DROP INDEX netanalysis_document_number IF EXISTS

// name: delete_batch
// Remove up to $limit nodes of a previous push with their relationships (push --replace).
MATCH (n:Node)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// name: clear_all
// Remove every node of a previous push with its relationships (push --replace), committed
// in transactions of $batch nodes so a large graph never needs one huge transaction. Runs in
// an auto-commit transaction (CALL ... IN TRANSACTIONS requires it).
MATCH (n:Node)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS deleted
