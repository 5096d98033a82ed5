// Minimal @neo4j/graphql server over normgraph's Neo4j model, for comparison benchmarks.
//   NEO4J_URI=bolt://127.0.0.1:17689 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=... PORT=18302 node server.mjs
// Read-only use: the generated mutations exist but the benchmark never sends them.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  type Source @node(labels: ["Source", "Entity"]) {
    id: ID!
    title: String
    publisher: String
    url: String
    asOf: String
  }

  # Relationship properties (all optional in the data; dates are stored as strings).
  type Membership @relationshipProperties { since: String, until: String, note: String }
  type Participation @relationshipProperties { role: String, since: String, until: String, note: String }

  type Priority @node(labels: ["Priority", "Entity"]) {
    id: ID!
    kind: String
    name: String
    shortName: String
    order: Int
    description: String
    # Entities store their source ids in a list property; resolve them to Source nodes.
    sources: [Source!]! @cypher(statement: "MATCH (s:Source) WHERE s.id IN this.sources RETURN s", columnName: "s")
    fora: [Forum!]! @relationship(type: "ADVANCES", direction: IN)
    initiatives: [Initiative!]! @relationship(type: "ADVANCES", direction: IN)
    norms: [Norm!]! @relationship(type: "SUPPORTS", direction: IN)
  }

  type Norm @node(labels: ["Norm", "Entity"]) {
    id: ID!
    kind: String
    name: String
    aliases: [String!]
    code: String
    text: String
    framework: String
    priorities: [Priority!]! @relationship(type: "SUPPORTS", direction: OUT)
    affirmedBy: [Forum!]! @relationship(type: "AFFIRMS", direction: IN)
    promotedBy: [Initiative!]! @relationship(type: "PROMOTES", direction: IN)
    endorsedBy: [Country!]! @relationship(type: "ENDORSES", direction: IN)
  }

  type Country @node(labels: ["Country", "Entity"]) {
    id: ID!
    kind: String
    name: String
    iso2: String
    iso3: String
    region: String
    subregion: String
    aliases: [String!]
    memberships: [Forum!]! @relationship(type: "MEMBER_OF", direction: OUT, properties: "Membership")
    initiatives: [Initiative!]! @relationship(type: "PARTICIPATES_IN", direction: OUT, properties: "Participation")
    endorsedNorms: [Norm!]! @relationship(type: "ENDORSES", direction: OUT)
    leads: [Initiative!]! @relationship(type: "LEADS", direction: OUT)
  }

  type Forum @node(labels: ["Forum", "Entity"]) {
    id: ID!
    kind: String
    name: String
    acronym: String
    description: String
    aliases: [String!]
    type: String
    url: String
    founded: Int
    members: [Country!]! @relationship(type: "MEMBER_OF", direction: IN, properties: "Membership")
    advances: [Priority!]! @relationship(type: "ADVANCES", direction: OUT)
    affirms: [Norm!]! @relationship(type: "AFFIRMS", direction: OUT)
    hosts: [Initiative!]! @relationship(type: "HOSTED_BY", direction: IN)
  }

  type Initiative @node(labels: ["Initiative", "Entity"]) {
    id: ID!
    kind: String
    name: String
    description: String
    aliases: [String!]
    type: String
    url: String
    launched: String
    participants: [Country!]! @relationship(type: "PARTICIPATES_IN", direction: IN, properties: "Participation")
    leadCountries: [Country!]! @relationship(type: "LEADS", direction: IN)
    norms: [Norm!]! @relationship(type: "PROMOTES", direction: OUT)
    advances: [Priority!]! @relationship(type: "ADVANCES", direction: OUT)
    hostedBy: [Forum!]! @relationship(type: "HOSTED_BY", direction: OUT)
  }
`;

const driver = neo4j.driver(
  process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687",
  neo4j.auth.basic(process.env.NEO4J_USERNAME ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""),
);
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const server = new ApolloServer({ schema: await neoSchema.getSchema() });
const port = Number(process.env.PORT ?? 18302);
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port } });
console.error(`@neo4j/graphql serving ${url}`);

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => { await server.stop(); await driver.close(); process.exit(0); });
}
