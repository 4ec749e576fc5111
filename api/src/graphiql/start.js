// Starts GraphiQL against this server's /graphql. Served from the binary so that the page's
// Content-Security-Policy can refuse every inline script.
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({
      url: new URL("/graphql", window.location.origin).toString(),
    }),
    defaultEditorToolsVisibility: true,
  }),
);
