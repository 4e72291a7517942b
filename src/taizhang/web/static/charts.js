// Charts of the taizhang pages (Apache ECharts, loaded from npm's echarts/dist at set-up time).
function tzChart(id) {
  var el = document.getElementById(id);
  if (!el || typeof echarts === "undefined") return null;
  return echarts.init(el);
}
var TZ_COLOURS = { red: "#d93025", yellow: "#f2b600", white: "#9aa0a6", None: "#188038", none: "#188038" };

function tzDashboard(data, statusLabels) {
  var c = tzChart("chart-status");
  if (c) c.setOption({
    tooltip: {}, series: [{ type: "pie", radius: ["40%", "70%"],
      data: Object.keys(data.by_status).map(function (k) { return { name: statusLabels[k] || k, value: data.by_status[k] }; }) }]
  });
  var d = tzChart("chart-depts");
  if (d) {
    var depts = data.departments;
    var names = depts.map(function (r) { return r.name; });
    d.setOption({
      tooltip: { trigger: "axis" }, legend: {}, grid: { left: 140 },
      xAxis: { type: "value" }, yAxis: { type: "category", data: names, inverse: true },
      series: ["red", "yellow", "white", "none"].map(function (k) {
        return { name: { red: "红", yellow: "黄", white: "白", none: "正常" }[k], type: "bar", stack: "n",
          itemStyle: { color: TZ_COLOURS[k] }, data: depts.map(function (r) { return r[k] || 0; }) };
      })
    });
  }
  document.querySelectorAll("[data-trend]").forEach(function (el) {
    var t = JSON.parse(el.getAttribute("data-trend"));
    var ch = echarts.init(el);
    ch.setOption({
      title: { text: t.indicator, textStyle: { fontSize: 13 } }, tooltip: { trigger: "axis" },
      xAxis: { type: "time" }, yAxis: { type: "value", name: t.unit },
      series: [{ type: "line", data: t.points, markLine: { data: [{ yAxis: t.goal, name: "目标" }] } }]
    });
  });
}

function tzProgress(id, data) {
  var c = tzChart(id);
  if (!c) return;
  var series = [{ name: "填报值", type: "line", data: data.points, symbolSize: 8 }];
  if (data.forecast && data.deadline && data.points.length) {
    var last = data.points[data.points.length - 1];
    series.push({ name: "预测", type: "line", lineStyle: { type: "dashed" }, data: [last, [data.deadline, data.forecast.value]] });
    if (data.forecast.low !== null && data.forecast.high !== null) {
      series.push({ name: "预测区间", type: "line", lineStyle: { opacity: 0 }, stack: "band", symbol: "none",
        data: [[last[0], last[1]], [data.deadline, data.forecast.low]] });
      series.push({ name: "预测区间", type: "line", lineStyle: { opacity: 0 }, stack: "band", symbol: "none",
        areaStyle: { opacity: 0.2 }, data: [[last[0], 0], [data.deadline, data.forecast.high - data.forecast.low]] });
    }
  }
  if (data.goal !== null && data.goal !== undefined) {
    series[0].markLine = { data: [{ yAxis: data.goal, name: "目标" }] };
  }
  c.setOption({ tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "time" }, yAxis: { type: "value" }, series: series });
}

function tzMonitor(data) {
  var cal = tzChart("aqi-calendar");
  if (cal && data.year) cal.setOption({
    tooltip: {}, visualMap: { type: "piecewise", orient: "horizontal", left: "center", top: 0,
      pieces: [{ max: 50, color: "#00e400", label: "优" }, { min: 51, max: 100, color: "#ffff00", label: "良" },
        { min: 101, max: 150, color: "#ff7e00", label: "轻度" }, { min: 151, max: 200, color: "#ff0000", label: "中度" },
        { min: 201, max: 300, color: "#99004c", label: "重度" }, { min: 301, color: "#7e0023", label: "严重" }] },
    calendar: { range: String(data.year), top: 60, cellSize: ["auto", 16] },
    series: [{ type: "heatmap", coordinateSystem: "calendar", data: data.calendar }]
  });
  var g = tzChart("good-ratio");
  if (g) g.setOption({ tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "time" }, yAxis: { type: "value", name: "%" },
    series: data.good.map(function (s) {
      return { name: s.series, type: "line", data: s.points,
        markLine: s.goal === null ? undefined : { data: [{ yAxis: s.goal, name: "目标" }] } };
    }) });
  var w = tzChart("water");
  if (w) w.setOption({ tooltip: {}, xAxis: { type: "category", data: data.water.map(function (r) { return r[0]; }) },
    yAxis: { type: "value", name: "断面" }, series: [{ type: "bar", data: data.water.map(function (r) { return r[1]; }) }] });
}
