// partyorg's GraphiQL: served from the binary, so it works on an intranet
// without internet access. It opens with tabs of example queries for
// dashboard builders (examples.json, from assets/examples); the first
// says how to sign in and paste the token.
(function () {
  function render(tabs) {
    var fetcher = GraphiQL.createFetcher({ url: "/graphql" });
    var root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: true
    }));
  }
  fetch("/graphiql/examples.json")
    .then(function (r) { return r.ok ? r.json() : undefined; })
    .catch(function () { return undefined; })
    .then(render);
})();
