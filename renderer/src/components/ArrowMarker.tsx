/**
 * The arrowhead the graph drawings (lineage, pipeline DAG) put at the end of an edge: one definition, so
 * every graph's arrows look the same. Place it in the SVG's `<defs>` and refer to it as `url(#id)`.
 */

/** An SVG marker with the given id: a small filled triangle in the dimmed text colour. */
export function ArrowMarker({ id }: { id: string }) {
  return (
    <marker id={id} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
      <path d="M0,0 L10,5 L0,10 z" fill="var(--mantine-color-dimmed)" />
    </marker>
  );
}
