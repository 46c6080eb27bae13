// The figure browser's behaviour: search, list picker, sorting, paging. browser.py writes the page
// around it and the data it reads (one object of columns, see browser_data). Record text is only
// ever set as textContent, never as HTML: a title holding a script tag shows as text and runs nothing.
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('figure-data').textContent);
  const nFigures = data.figid.length;
  const ROWS_PER_PAGE = 200; // a filter renders one page of rows, however many figures match

  // Indexes built once at load, so that a filter reads arrays instead of parsing 91,000 figures.
  const titleLower = data.title.map((title) => title.toLowerCase());
  const figuresById = new Map(); // lower-cased figid or PMC ID -> figure indices
  function addId(id, figure) {
    const key = id.toLowerCase();
    if (!figuresById.has(key)) figuresById.set(key, []);
    figuresById.get(key).push(figure);
  }
  data.figid.forEach((figid, figure) => addId(figid, figure));
  data.pmcid.forEach((pmcid, figure) => pmcid && addId(pmcid, figure));

  // Each figure's genes as symbol numbers (geneCodes[geneStart[f] .. geneStart[f + 1]]), and
  // each symbol's figures (figuresWithGene[geneFigureStart[s] .. geneFigureStart[s + 1]]).
  const geneStart = new Int32Array(nFigures + 1);
  const codes = [];
  for (let figure = 0; figure < nFigures; figure++) {
    const text = data.genes[figure];
    if (text) for (const code of text.split(' ')) codes.push(parseInt(code, 36));
    geneStart[figure + 1] = codes.length;
  }
  const geneCodes = Int32Array.from(codes);
  const nSymbols = data.symbols.length;
  const geneFigureStart = new Int32Array(nSymbols + 1);
  for (const code of geneCodes) geneFigureStart[code + 1]++;
  for (let symbol = 0; symbol < nSymbols; symbol++) geneFigureStart[symbol + 1] += geneFigureStart[symbol];
  const figuresWithGene = new Int32Array(geneCodes.length);
  const next = geneFigureStart.slice(0, nSymbols);
  for (let figure = 0; figure < nFigures; figure++) {
    for (let g = geneStart[figure]; g < geneStart[figure + 1]; g++) figuresWithGene[next[geneCodes[g]]++] = figure;
  }
  // Case-insensitive: a library could hold both IL6 and Il6, and a search for il6 means either.
  const symbolCodes = new Map();
  data.symbols.forEach((symbol, code) => {
    const key = symbol.toLowerCase();
    if (!symbolCodes.has(key)) symbolCodes.set(key, []);
    symbolCodes.get(key).push(code);
  });

  const hasLists = data.lists.length > 0;
  const state = {query: '', list: 0, significantOnly: false, sortKey: hasLists ? 'padj' : null, descending: false};
  let padjOf = null; // the picked list's padj per figure, null where the list's table has no row
  let matches = new Int32Array(0);
  let shown = 0;

  function pickList(index) {
    state.list = index;
    padjOf = new Array(nFigures).fill(null);
    const list = data.lists[index];
    list.figures.forEach((figure, k) => { padjOf[figure] = list.padj[k]; });
  }

  // Sort orders: every figure in order of one column, computed once per column and direction.
  // Figures without a value (no year, no padj in the list) come last either way.
  const orders = new Map();
  const sortValues = {
    figid: () => data.figid,
    title: () => titleLower,
    year: () => data.year,
    n_genes: () => Array.from({length: nFigures}, (_, figure) => geneStart[figure + 1] - geneStart[figure]),
    padj: () => padjOf,
  };
  function sortOrder() {
    if (state.sortKey === null) return null; // the order of figures.tsv
    const key = `${state.sortKey}:${state.sortKey === 'padj' ? state.list : ''}:${state.descending}`;
    if (!orders.has(key)) {
      const values = sortValues[state.sortKey]();
      const sign = state.descending ? -1 : 1;
      const present = [];
      const missing = [];
      for (let figure = 0; figure < nFigures; figure++) (values[figure] === null ? missing : present).push(figure);
      present.sort((a, b) => {
        const x = values[a];
        const y = values[b];
        return (x < y ? -sign : x > y ? sign : 0) || a - b;
      });
      orders.set(key, Int32Array.from(present.concat(missing)));
    }
    return orders.get(key);
  }

  // A search: words separated by spaces, every one must match. A gene symbol of the library must
  // be among the figure's genes, a figure or PMC ID picks its figures, any other word must occur in
  // the title.
  function parseQuery(text) {
    const query = {genes: [], ids: [], words: []};
    for (const term of text.toLowerCase().split(/\s+/)) {
      if (!term) continue;
      if (symbolCodes.has(term)) query.genes.push(symbolCodes.get(term));
      else if (figuresById.has(term)) query.ids.push(figuresById.get(term));
      else query.words.push(term);
    }
    return query;
  }

  function figuresOfGene(geneCodesOfTerm) {
    const figures = [];
    for (const code of geneCodesOfTerm) {
      for (let k = geneFigureStart[code]; k < geneFigureStart[code + 1]; k++) figures.push(figuresWithGene[k]);
    }
    return figures;
  }

  function hasGene(figure, geneCodesOfTerm) {
    for (let g = geneStart[figure]; g < geneStart[figure + 1]; g++) {
      if (geneCodesOfTerm.includes(geneCodes[g])) return true;
    }
    return false;
  }

  function isSignificant(figure) {
    return padjOf[figure] !== null && padjOf[figure] <= data.alpha;
  }

  // Marks the figures matching everything asked, starting from the fewest candidates an index gives.
  function matchingFigures(query) {
    const candidateLists = query.genes.map(figuresOfGene).concat(query.ids);
    if (hasLists && state.significantOnly) {
      const list = data.lists[state.list];
      candidateLists.push(list.figures.filter((figure, k) => list.padj[k] <= data.alpha));
    }
    let candidates = null;
    for (const figures of candidateLists) if (candidates === null || figures.length < candidates.length) candidates = figures;
    const ids = query.ids.map((figures) => new Set(figures));
    const keep = new Uint8Array(nFigures);
    const check = (figure) => {
      if (hasLists && state.significantOnly && !isSignificant(figure)) return;
      for (const gene of query.genes) if (!hasGene(figure, gene)) return;
      for (const figures of ids) if (!figures.has(figure)) return;
      for (const word of query.words) if (!titleLower[figure].includes(word)) return;
      keep[figure] = 1;
    };
    if (candidates === null) for (let figure = 0; figure < nFigures; figure++) check(figure);
    else for (const figure of candidates) check(figure);
    return keep;
  }

  function update() {
    const started = performance.now();
    const query = parseQuery(state.query);
    const keep = matchingFigures(query);
    const order = sortOrder();
    const found = [];
    if (order === null) {
      for (let figure = 0; figure < nFigures; figure++) if (keep[figure]) found.push(figure);
    } else {
      for (const figure of order) if (keep[figure]) found.push(figure);
    }
    matches = Int32Array.from(found);
    highlighted = new Set(query.genes.flat());
    tbody.replaceChildren();
    shown = 0;
    showMore();
    browser.lastUpdateMs = performance.now() - started;
  }

  // --- the table ---
  const COLUMNS = [
    {key: 'figid', label: 'Figure ID', width: '16%'},
    {key: 'title', label: 'Title', width: '26%'},
    {key: 'year', label: 'Year', numeric: true, width: '4em'},
    {key: 'n_genes', label: 'Genes', numeric: true, width: '4.5em'},
    {key: 'genes', label: 'Gene symbols', sortable: false},
    ...(hasLists ? [{key: 'padj', label: 'padj', numeric: true, width: '5.5em'}] : []),
    {key: 'links', label: 'Links', sortable: false, width: '8em'},
  ];
  const table = document.getElementById('figures');
  const tbody = table.querySelector('tbody');
  const headerRow = table.querySelector('thead tr');
  const count = document.getElementById('count');
  const more = document.getElementById('more');
  let highlighted = new Set();

  function cell(row, text, className) {
    const td = row.insertCell();
    if (text !== undefined) td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function link(parent, href, text) {
    if (!/^https?:\/\//.test(href)) return;
    const a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = text;
    if (parent.childNodes.length) parent.append(' ');
    parent.append(a);
  }

  // The PMC link browser.py's compact_link kept: absolute, or the rest of the article's URL.
  function figureLink(figure) {
    const stored = data.link[figure];
    if (/^https?:\/\//.test(stored)) return stored;
    const pmcid = data.pmcid[figure];
    return pmcid ? data.pmc_article_url.replace('{pmcid}', encodeURIComponent(pmcid)) + stored : '';
  }

  function formatPadj(value) {
    if (value !== 0 && value < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e');
    return String(Number(value.toPrecision(3)));
  }

  // Symbols separated by spaces, those searched for marked.
  function genesCell(row, figure) {
    const td = cell(row, undefined, 'genes');
    let text = '';
    for (let g = geneStart[figure]; g < geneStart[figure + 1]; g++) {
      if (g > geneStart[figure]) text += ' ';
      const symbol = data.symbols[geneCodes[g]];
      if (!highlighted.has(geneCodes[g])) {
        text += symbol;
        continue;
      }
      const mark = document.createElement('mark');
      mark.textContent = symbol;
      td.append(text, mark);
      text = '';
    }
    td.append(text);
  }

  function addRow(figure) {
    const row = tbody.insertRow();
    cell(row, data.figid[figure]);
    cell(row, data.title[figure]);
    cell(row, data.year[figure] === null ? '' : String(data.year[figure]), 'num');
    cell(row, String(geneStart[figure + 1] - geneStart[figure]), 'num');
    genesCell(row, figure);
    if (hasLists) {
      const padj = padjOf[figure];
      cell(row, padj === null ? '' : formatPadj(padj), padj !== null && padj <= data.alpha ? 'num significant' : 'num');
    }
    const links = cell(row);
    link(links, figureLink(figure), data.pmcid[figure] || 'PMC');
    link(links, data.pfocr_url.replace('{figid}', encodeURIComponent(data.figid[figure])), 'PFOCR');
  }

  function showMore() {
    const end = Math.min(matches.length, shown + ROWS_PER_PAGE);
    for (let k = shown; k < end; k++) addRow(matches[k]);
    shown = end;
    const total = nFigures.toLocaleString('en-US');
    const found = matches.length.toLocaleString('en-US');
    const cut = shown < matches.length ? `; showing the first ${shown.toLocaleString('en-US')}` : '';
    count.textContent = matches.length === nFigures ? `All ${total} figures${cut}.` : `${found} of ${total} figures match${cut}.`;
    more.hidden = shown >= matches.length;
  }

  function drawHeader() {
    headerRow.replaceChildren();
    for (const column of COLUMNS) {
      const th = document.createElement('th');
      if (column.sortable === false) {
        th.textContent = column.label;
      } else {
        const button = document.createElement('button');
        button.type = 'button';
        const arrow = state.sortKey === column.key ? (state.descending ? ' \u25bc' : ' \u25b2') : '';
        button.textContent = column.label + arrow;
        button.dataset.sort = column.key;
        button.addEventListener('click', () => {
          state.descending = state.sortKey === column.key ? !state.descending : false;
          state.sortKey = column.key;
          drawHeader();
          update();
        });
        th.append(button);
        if (state.sortKey === column.key) th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
      }
      if (column.numeric) th.className = 'num';
      if (column.width) th.style.width = column.width;
      headerRow.append(th);
    }
  }

  // For tests and benchmarks: the state, and how long the last update took (filter, sort, render).
  const browser = {update, state, lastUpdateMs: null, readyMs: null};
  window.figureBrowser = browser;
  document.getElementById('search').addEventListener('input', (event) => {
    state.query = event.target.value;
    update();
  });
  more.addEventListener('click', showMore);
  if (hasLists) {
    const select = document.getElementById('list');
    data.lists.forEach((list, index) => select.add(new Option(list.name, String(index))));
    select.addEventListener('change', () => {
      pickList(Number(select.value));
      update();
    });
    document.getElementById('significant').addEventListener('change', (event) => {
      state.significantOnly = event.target.checked;
      update();
    });
    pickList(0);
  }
  drawHeader();
  update();
  browser.readyMs = performance.now(); // since navigation start: what opening the page costs
})();
