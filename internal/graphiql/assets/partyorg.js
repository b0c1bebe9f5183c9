// partyorg's GraphiQL: served from the binary, so it works on an intranet
// without internet access. It opens with tabs of example queries for
// dashboard builders; the first says how to sign in.
(function () {
  var signIn = [
    "# 1. Sign in: run this with your username and password.",
    "# 2. Copy the token from the answer into the Headers pane below as",
    '#    { "Authorization": "Bearer <token>" }',
    "#    (it is kept for the other tabs; a token lasts 12 hours).",
    "# 3. Open the other tabs: every query answers only for your own subtree.",
    'mutation { login(username: "admin", password: "…") { token expiresAt user { id username } } }',
    ""
  ].join("\n");
  var tabs = [
    { query: signIn },
    {
      query: [
        "# Who am I, and where do I hold roles?",
        "{ viewer { id username roles { role org { id name kind } } } }",
        ""
      ].join("\n")
    },
    {
      query: [
        "# A page of members (党员) with the total, for a table: pass pageInfo.endCursor as after: for the next page.",
        "query MemberPage($after: Cursor) {",
        "  members(first: 50, after: $after, orderBy: [{ field: NAME }]) {",
        "    totalCount",
        "    pageInfo { hasNextPage endCursor }",
        "    edges { node { id name status category branch { name parent { name } } } }",
        "  }",
        "}",
        ""
      ].join("\n")
    },
    {
      query: [
        "# The tree below each township, with member counts per branch.",
        "{",
        "  orgs(first: 20, where: { kind: TOWNSHIP }) {",
        "    edges { node { id name",
        "      children { edges { node { name kind",
        "        children { edges { node { name members { totalCount } } } }",
        "      } } }",
        "    } }",
        "  }",
        "}",
        ""
      ].join("\n")
    }
  ];
  var fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultTabs: tabs,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: true
  }));
})();
