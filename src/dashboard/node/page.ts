/** The dashboard page: a shell whose script (`/app.js`) draws the runs. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>amem-flow dashboard</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; background: #fafafa; }
  h1 { font-size: 18px; margin: 0 0 12px; }
  #runs { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); }
  .run { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; min-width: 0; }
  .run h2 { font-size: 16px; margin: 0 0 8px; }
  .status { font-size: 12px; padding: 2px 6px; border-radius: 4px; margin-left: 8px; background: #eee; }
  .status[data-status=running] { background: #e3f0ff; } .status[data-status=finished] { background: #e4f6e4; } .status[data-status=failed] { background: #fde2e2; }
  table { border-collapse: collapse; margin: 6px 0 10px; } td, th { padding: 2px 10px 2px 0; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
  progress { width: 240px; vertical-align: middle; } .phase { margin: 2px 0; font-size: 13px; }
  .chart:empty, .block:empty { display: none; } .chart { margin: 8px 0; overflow-x: auto; }
  .figures img { max-width: 100%; border: 1px solid #eee; margin: 4px 0; display: block; }
  pre { font-size: 12px; overflow-x: auto; background: #f4f4f4; padding: 8px; } .warnings { color: #a33; font-size: 13px; }
</style>
</head>
<body>
<h1>amem-flow dashboard <small>(read-only)</small></h1>
<div id="runs"></div>
<script src="/app.js"></script>
</body>
</html>
`;
