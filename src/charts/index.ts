/** @module Public surface of the pure charts package: SVG documents built as strings, no dependency. */
export { barChart, barChartHeight, type BarChartSpec, type BarRow } from './bar-chart.ts';
export { lineChart, type LineChartSpec, type LineMarker, type LineSeries } from './line-chart.ts';
export { decadeLabel, linearScale, logScale, type Scale } from './scales.ts';
export { simulationChart, selectionText, type SimulationChartContext } from './simulation-chart.ts';
export { el, escapeXml, formatThreshold, percent, polyline, px, svgDocument, text } from './svg.ts';
export { countLabel, stackedColumns, type StackedColumnsSpec } from './stacked-columns.ts';
export { contributionChart, contributionChartHeight, type ContributionChartSpec, type ContributionRow } from './contribution-chart.ts';
export { intervalChart, type IntervalChartSpec, type IntervalPoint } from './interval-chart.ts';
