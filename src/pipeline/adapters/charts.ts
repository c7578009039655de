/** The chart renderer (Vega, resvg), loaded when a figure is drawn, not when a pipeline is described or resolved. */
export const charts = () => import('../../plots/node/charts.js');
