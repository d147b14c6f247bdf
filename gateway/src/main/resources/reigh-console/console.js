// The Reigh operator console: five pages over the platform's admin API, in one module with no
// dependencies (docs/console.md says why). Everything it shows comes from documented /v1/admin routes
// through this origin; it keeps no state but the operator's token, in this tab's session storage.

const TOKEN_KEY = 'reigh.console.token';
const page = document.getElementById('page');

/** The page being shown: its cleanup (streams, timers) runs when another one replaces it. */
let leaving = () => {};

// ---------------------------------------------------------------------------------------------------
// DOM: elements are built, never parsed from strings, so no value from the API can become markup.

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function show(...children) {
  page.replaceChildren(...children.flat(Infinity).filter(Boolean));
}

function table(columns, rows, rowClass) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', {}, title)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing here.'))
      : rows.map(row => h('tr', { class: rowClass ? rowClass(row) : null }, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

const badge = value => h('span', { class: `badge ${value}` }, String(value));
const short = id => id ? String(id).slice(0, 8) : '';
const when = instant => instant ? new Date(instant).toLocaleString() : '';
const seconds = value => value < 90 ? `${Math.round(value)} s` : value < 5400 ? `${Math.round(value / 60)} min` : `${(value / 3600).toFixed(1)} h`;
const bytes = value => value < 1024 ? `${value} B` : value < 1048576 ? `${(value / 1024).toFixed(1)} KiB`
  : value < 1073741824 ? `${(value / 1048576).toFixed(1)} MiB` : `${(value / 1073741824).toFixed(2)} GiB`;
const taskLink = id => h('a', { href: `#/tasks/${id}`, class: 'mono', title: id }, short(id));
const userLink = id => id ? h('a', { href: `#/credits/${id}`, class: 'mono', title: id }, short(id)) : '';

function notice(text, kind) {
  return h('div', { class: `notice ${kind || ''}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A bar chart of one series per minute, as SVG (no canvas: it scales and stays crisp). */
function bars(points, value, label, kind) {
  const width = 600, height = 80, peak = Math.max(0, ...points.map(value)), max = Math.max(1, peak);
  const step = width / Math.max(1, points.length);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', `chart ${kind}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  points.forEach((point, index) => {
    const bar = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const barHeight = Math.round((value(point) / max) * (height - 2));
    bar.setAttribute('x', String(index * step + 1));
    bar.setAttribute('width', String(Math.max(1, step - 2)));
    bar.setAttribute('y', String(height - barHeight));
    bar.setAttribute('height', String(barHeight));
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = `${new Date(point.minute).toLocaleTimeString()}: ${value(point)}`;
    bar.append(title);
    svg.append(bar);
  });
  const total = points.reduce((sum, point) => sum + Number(value(point)), 0);
  return h('div', { class: 'panel' }, h('strong', {}, label), ' ',
    h('span', { class: 'muted' }, `${Number.isInteger(total) ? total : total.toFixed(3)} in the last hour, peak ${peak}/min`), svg);
}

// ---------------------------------------------------------------------------------------------------
// The token: from the sign-in link's fragment (#token=, or an identity provider's #access_token=) into
// this tab's session storage, and out of the address bar at once (no copy in history or in a screenshot).

function adoptTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token') || fragment.get('access_token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', `${location.pathname}#/overview`);
  }
}

function claims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

function currentToken() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const payload = token && claims(token);
  if (!payload || (payload.exp && payload.exp * 1000 <= Date.now())) return null;
  return token;
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  location.hash = '#/overview';
  route();
}

// ---------------------------------------------------------------------------------------------------
// The API: problem+json failures become a Problem; 401 and 403 take over the page.

class Problem extends Error {
  constructor(status, body) {
    super(body && (body.detail || body.title) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const token = currentToken();
  if (!token) throw new Problem(401, { detail: 'Not signed in.' });
  const response = await fetch(path, {
    method, signal,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Problem(response.status, parsed);
  return parsed;
}

/** Renders what a failed page load means: sign in again, not an operator, or what went wrong. */
function failed(error) {
  if (error.name === 'AbortError') return;
  if (error.status === 401) return signInPage('Your session has ended; sign in again.');
  if (error.status === 403) return forbiddenPage();
  show(h('h1', {}, 'Something went wrong'), notice(error.message, 'error'));
}

/**
 * Server-sent events over fetch (an EventSource cannot send the Authorization header): calls
 * {@code onEvent(name, data)} for each event until the signal aborts or the server ends the stream.
 */
async function stream(path, signal, onEvent) {
  const response = await fetch(path, { signal, headers: { Authorization: `Bearer ${currentToken()}`, Accept: 'text/event-stream' } });
  if (!response.ok) throw new Problem(response.status, await response.json().catch(() => null));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message', data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Pages

function signInPage(message) {
  const loginUrl = document.querySelector('meta[name="reigh-login-url"]').content;
  const pasted = h('textarea', { id: 'token-input', placeholder: 'eyJ…', 'aria-label': 'Token' });
  show(h('section', { class: 'signin' },
    h('h1', {}, 'Sign in'),
    message ? notice(message) : null,
    loginUrl && !loginUrl.startsWith('{{')
      ? h('p', {}, h('a', { href: loginUrl, id: 'idp-login' }, 'Sign in with your identity provider'))
      : h('p', { class: 'muted' }, 'In development, ./reigh up and ./reigh demo print a link that signs you in as the dev admin. ',
        'Or paste an admin token (./reigh token --admin):'),
    pasted,
    h('p', {}, h('button', { id: 'token-submit', onclick: () => {
      sessionStorage.setItem(TOKEN_KEY, pasted.value.trim());
      route();
    } }, 'Sign in'))));
}

function forbiddenPage() {
  const payload = claims(sessionStorage.getItem(TOKEN_KEY) || '') || {};
  show(h('section', { id: 'forbidden' },
    h('h1', {}, '403: not an operator'),
    notice(`You are signed in as ${payload.sub || 'someone'}, whose token does not carry the admin role. `
      + 'The console is for the platform\'s operators only.', 'error'),
    h('button', { class: 'secondary', onclick: signOut }, 'Sign in as someone else')));
}

async function overviewPage() {
  const cards = h('div', { class: 'cards', id: 'overview-cards' });
  const queue = h('div', { id: 'overview-queue' });
  const charts = h('div', { class: 'grid2', id: 'overview-charts' });
  const money = h('div', { id: 'overview-money' });
  const live = h('span', { class: 'muted', id: 'overview-live' }, 'connecting…');
  show(h('h1', {}, 'Overview ', live), cards, charts, money, h('h2', {}, 'Live tasks by status and type'), queue);

  const controller = new AbortController();
  let charges = [];
  let chargesAt = 0;
  leaving = () => controller.abort();

  const card = (label, value, id, state) => h('div', { class: `card ${state || ''}`, id },
    h('div', { class: 'value' }, String(value)), h('div', { class: 'label' }, label));

  const refreshCharges = async () => {
    if (Date.now() - chargesAt < 5000) return;
    chargesAt = Date.now();
    charges = (await api('/v1/admin/credits/activity?minutes=60', { signal: controller.signal })).minutes;
  };

  const render = overview => {
    const last = overview.activity[overview.activity.length - 1] || {};
    const lastCharges = charges[charges.length - 1] || { charges: 0 };
    cards.replaceChildren(
      card('Queued', overview.queue.queued, 'card-queued'),
      card('In progress', overview.queue.in_progress, 'card-in-progress'),
      card('Oldest queued', seconds(overview.queue.oldest_queued_age_seconds), 'card-oldest',
        overview.queue.oldest_queued_age_seconds > 600 ? 'warn' : ''),
      card('Workers online', overview.fleet.online, 'card-online'),
      card('Workers stale', overview.fleet.stale, 'card-stale', overview.fleet.stale ? 'warn' : ''),
      card('Crashed today', overview.fleet.crashed_today, 'card-crashed', overview.fleet.crashed_today ? 'bad' : ''),
      card('Outbox pending', overview.outbox.pending, 'card-outbox', overview.outbox.lag_seconds > 60 ? 'warn' : ''),
      card('Parked effects', overview.outbox.parked_generations + overview.outbox.parked_charges, 'card-parked',
        overview.outbox.parked_generations + overview.outbox.parked_charges ? 'bad' : ''),
      card('Claims this minute', last.claims || 0, 'card-claims'),
      card('Charges this minute', lastCharges.charges, 'card-charges'));
    charts.replaceChildren(...[
      bars(overview.activity, point => point.claims, 'Claims per minute', 'claims'),
      bars(overview.activity, point => point.completions, 'Completions per minute', 'completions'),
      bars(overview.activity, point => point.failures, 'Failures per minute', 'failures'),
      charges.length ? bars(charges, point => Number(point.spent), 'Credits charged per minute', 'charges') : null,
    ].filter(Boolean));
    queue.replaceChildren(table([
      ['Status', row => badge(row.status)],
      ['Task type', row => h('a', { href: `#/tasks?status=${encodeURIComponent(row.status)}&task_type=${row.task_type}` }, row.task_type)],
      ['Count', row => h('span', { class: 'count', 'data-key': `${row.status}/${row.task_type}` }, row.count)],
    ], overview.queue.by_status_and_type));
    live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
    live.dataset.updates = String(Number(live.dataset.updates || 0) + 1);
  };

  // The stream ends with the token's lifetime (or a restart): reconnect while the page is shown.
  while (!controller.signal.aborted) {
    try {
      await stream('/v1/admin/overview/stream', controller.signal, (name, overview) => {
        if (name !== 'overview') return;
        render(overview);
        refreshCharges().catch(() => {});
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error.status === 401 || error.status === 403) return failed(error);
      live.textContent = 'reconnecting…';
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

const TASK_FILTERS = ['status', 'task_type', 'user_id', 'project_id', 'worker_id', 'created_after', 'created_before'];

async function tasksPage(query) {
  const form = h('form', { class: 'filters', id: 'task-filters' },
    TASK_FILTERS.map(name => h('label', {}, name.replace('_', ' '),
      name === 'status'
        ? h('select', { name }, ['', 'Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled']
          .map(status => h('option', { value: status, selected: query.get(name) === status }, status || 'any')))
        : h('input', { name, value: query.get(name) || '', size: name.endsWith('_id') ? 12 : 14,
          placeholder: name.startsWith('created') ? '2026-12-05T09:00:00Z' : '' }))),
    h('button', { type: 'submit', id: 'task-filter-submit' }, 'Filter'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of TASK_FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) next.set(name, value);
    }
    location.hash = `#/tasks?${next}`;
  });
  const results = h('div', { id: 'task-list' });
  const more = h('button', { class: 'secondary', id: 'task-more', hidden: true }, 'More');
  show(h('h1', {}, 'Tasks'), form, results, h('p', {}, more));

  const rows = [];
  const load = async cursor => {
    const params = new URLSearchParams(query);
    params.set('limit', '50');
    if (cursor) params.set('cursor', cursor);
    const found = await api(`/v1/admin/tasks?${params}`);
    rows.push(...found.items);
    results.replaceChildren(table([
      ['Task', task => taskLink(task.id)],
      ['Type', task => task.task_type],
      ['Status', task => badge(task.status)],
      ['Owner', task => userLink(task.user_id)],
      ['Worker', task => task.worker_id || ''],
      ['Attempts', task => `${task.attempts}/${task.max_attempts}`],
      ['Created', task => when(task.created_at)],
    ], rows));
    more.hidden = !found.next_cursor;
    more.onclick = () => load(found.next_cursor).catch(failed);
  };
  await load(null);
}

async function taskPage(id) {
  const [detail, ledger, media] = await Promise.all([
    api(`/v1/admin/tasks/${id}`),
    api(`/v1/admin/credits/ledger?task_id=${id}&limit=10`).catch(() => ({ items: [] })),
    api(`/v1/admin/generations?task_id=${id}`).catch(() => ({ items: [] })),
  ]);
  const task = detail.task;
  const message = h('div', { id: 'task-message' });
  const act = async (label, call) => {
    try {
      await call();
      await taskPage(id);
      document.getElementById('task-message').replaceChildren(notice(label, 'ok'));
    } catch (error) {
      if (error.status === 401 || error.status === 403) return failed(error);
      message.replaceChildren(notice(error.message, 'error'));
    }
  };
  const actions = h('div', { class: 'actions' });
  if (task.status === 'Queued' || task.status === 'In Progress') {
    const cancel = h('button', { class: 'danger', id: 'task-cancel' }, 'Cancel task');
    cancel.addEventListener('click', () => {
      if (cancel.dataset.armed !== 'yes') {
        cancel.dataset.armed = 'yes';
        cancel.textContent = 'Click again to cancel';
        return;
      }
      act('Cancelled.', () => api(`/v1/admin/tasks/${id}/cancel`, { method: 'POST' }));
    });
    actions.append(cancel);
  }
  if (task.status === 'Failed') {
    const reason = h('input', { id: 'requeue-reason', placeholder: 'why it can run now', size: 40 });
    actions.append(reason, h('button', { id: 'task-requeue', onclick: () => act('Requeued.',
      () => api(`/v1/admin/tasks/${id}/requeue`, { method: 'POST', body: { reason: reason.value } })) }, 'Requeue'));
  }
  show(
    h('h1', {}, `Task ${short(task.id)} `, badge(task.status)),
    message, actions,
    h('div', { class: 'grid2' },
      h('div', { class: 'panel' }, h('dl', { class: 'facts', id: 'task-facts' },
        [['Id', h('span', { class: 'mono' }, task.id)], ['Type', task.task_type], ['Owner', userLink(task.user_id)],
          ['Project', h('span', { class: 'mono' }, task.project_id)],
          ['Parent', task.parent_task_id ? taskLink(task.parent_task_id) : '—'],
          ['Attempts', `${task.attempts} of ${task.max_attempts}`], ['Worker', task.worker_id || '—'],
          ['Lease expires', when(task.lease_expires_at) || '—'], ['Retry after', when(task.run_after) || '—'],
          ['Created', when(task.created_at)], ['Started', when(task.generation_started_at) || '—'],
          ['Processed', when(task.generation_processed_at) || '—'],
          ['Output', task.output_location ? h('a', { href: task.output_location, target: '_blank', rel: 'noopener' }, 'open') : '—'],
          ['Error', task.error_message || '—'],
          ['Charge', ledger.items.length ? ledger.items.map(entry => `${entry.type} ${entry.amount}`).join(', ') : 'none'],
          ['Made', media.items.length ? media.items.map(made => h('span', { id: 'task-media' }, `${made.made} `,
            h('a', { href: made.url, target: '_blank', rel: 'noopener', class: 'mono' }, short(made.id)),
            made.made === 'variant' ? ` of generation ${short(made.generation_id)}` : '')) : 'nothing yet'],
        ].map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]))),
      h('div', { class: 'panel' }, h('strong', {}, 'Params'), h('pre', {}, JSON.stringify(task.params, null, 2)),
        task.result_data ? [h('strong', {}, 'Result'), h('pre', {}, JSON.stringify(task.result_data, null, 2))] : null)),
    h('h2', {}, 'History'),
    h('div', { id: 'task-history' }, table([
      ['When', line => when(line.at)],
      ['Change', line => [line.from_status ? badge(line.from_status) : 'created', ' → ', badge(line.to_status)]],
      ['Attempt', line => line.attempt],
      ['Worker', line => line.worker_id || ''],
      ['Reason', line => line.reason || ''],
      ['By', line => line.actor_role ? `${line.actor_role} ${short(line.actor_id)}` : ''],
    ], detail.history)),
    h('h2', {}, 'Children and dependencies'),
    table([['Relation', r => r.relation], ['Task', r => taskLink(r.id)], ['Type', r => r.task_type], ['Status', r => badge(r.status)]],
      detail.relatives),
    h('h2', {}, 'Completion effects (outbox)'),
    table([['Kind', e => e.kind], ['State', e => badge(e.state)], ['Attempts', e => e.attempts],
      ['Last error', e => e.last_error || ''], ['Delivered', e => when(e.delivered_at)]], detail.effects));
}

async function fleetPage() {
  const list = h('div', { id: 'fleet-list' });
  const updated = h('span', { class: 'muted' });
  show(h('h1', {}, 'Fleet ', updated), list);
  const load = async () => {
    const workers = await api('/v1/admin/workers?limit=200');
    list.replaceChildren(table([
      ['Worker', w => h('span', { class: 'mono' }, w.id)],
      ['Owner', w => w.owner_kind === 'personal' ? ['personal ', userLink(w.user_id)] : 'cloud'],
      ['Health', w => badge(w.health)],
      ['Status', w => w.status],
      ['Model', w => w.current_model || ''],
      ['VRAM', w => w.vram_total_mb ? `${w.vram_used_mb || 0} / ${w.vram_total_mb} MB` : ''],
      ['Last heartbeat', w => `${seconds(w.heartbeat_age_seconds)} ago`],
      ['Tasks held', w => w.tasks_in_progress ? h('a', { href: `#/tasks?worker_id=${encodeURIComponent(w.id)}&status=In%20Progress` }, w.tasks_in_progress) : 0],
      ['Next lease expiry', w => when(w.next_lease_expires_at)],
    ], workers.items, w => w.health));
    updated.textContent = `· updated ${new Date().toLocaleTimeString()}`;
  };
  await load();
  const timer = setInterval(() => load().catch(failed), 5000);
  leaving = () => clearInterval(timer);
}

async function creditsPage(userId) {
  const search = h('input', { id: 'user-search', placeholder: 'email, username or user id', size: 36 });
  const found = h('div', { id: 'user-results' });
  const form = h('form', { class: 'filters' }, search, h('button', { type: 'submit', id: 'user-search-submit' }, 'Find'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const users = await api(`/v1/admin/users?q=${encodeURIComponent(search.value.trim())}&limit=20`);
      found.replaceChildren(table([['User', u => h('a', { href: `#/credits/${u.id}` }, u.email || u.id)],
        ['Username', u => u.username || ''], ['Since', u => when(u.created_at)]], users.items));
    } catch (error) {
      found.replaceChildren(notice(error.message, 'error'));
    }
  });
  const account = h('div', { id: 'account' });
  const costs = h('div', { id: 'task-costs' });
  const estimate = estimateTool();
  show(h('h1', {}, 'Credits'), form, found, account, h('h2', {}, 'Task costs'), costs, h('h2', {}, 'Estimate'), estimate);
  if (userId) await renderAccount(account, userId);
  const configs = await api('/v1/task-costs');
  costs.replaceChildren(table([
    ['Task type', c => c.task_type], ['Billing', c => c.billing_type],
    ['Price', c => c.billing_type === 'per_second' ? `${c.base_cost_per_second}/s` : `${c.unit_cost}/unit`],
    ['Run type', c => c.run_type], ['Active', c => badge(Boolean(c.is_active))],
    ['Version', c => h('a', { href: '#', onclick: event => { event.preventDefault(); showVersions(c.task_type, event.target); } }, `v${c.version}`)],
    ['Updated', c => when(c.updated_at)],
  ], Array.isArray(configs) ? configs : configs.items || []));
}

async function showVersions(taskType, anchor) {
  const versions = await api(`/v1/admin/task-costs/${taskType}/versions`);
  const list = Array.isArray(versions) ? versions : versions.items || [];
  anchor.closest('td').append(h('div', { class: 'muted' }, list.map(v =>
    h('div', {}, `v${v.version} from ${when(v.valid_from)}: ${v.billing_type === 'per_second' ? v.base_cost_per_second + '/s' : v.unit_cost + '/unit'}`))));
}

function estimateTool() {
  const type = h('input', { id: 'estimate-type', value: 'single_image', size: 20 });
  const params = h('textarea', { id: 'estimate-params', rows: 3, cols: 50 }, '{"resolution": "1024x1024"}');
  const duration = h('input', { id: 'estimate-duration', size: 8, placeholder: 'seconds' });
  const answer = h('div', { id: 'estimate-answer' });
  const form = h('form', { class: 'filters' }, h('label', {}, 'task type', type), h('label', {}, 'params', params),
    h('label', {}, 'duration', duration), h('button', { type: 'submit' }, 'Estimate'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const body = { task_type: type.value.trim(), params: JSON.parse(params.value || '{}') };
      if (duration.value.trim()) body.duration_seconds = Number(duration.value);
      const estimate = await api('/v1/task-costs/estimate', { method: 'POST', body });
      answer.replaceChildren(h('pre', {}, JSON.stringify(estimate, null, 2)));
    } catch (error) {
      answer.replaceChildren(notice(error.message, 'error'));
    }
  });
  return h('div', { class: 'panel' }, form, answer);
}

async function renderAccount(container, userId) {
  const [summary, ledger] = await Promise.all([
    api(`/v1/admin/credits/users/${userId}`),
    api(`/v1/admin/credits/ledger?user_id=${userId}&limit=50`),
  ]);
  const message = h('div', { id: 'grant-message' });
  // One key per form shown: a double submit (or a retried request) grants once.
  const grantKey = `console-grant-${crypto.randomUUID()}`;
  const amount = h('input', { id: 'grant-amount', size: 10, placeholder: '10.000' });
  const reason = h('input', { id: 'grant-reason', size: 40, placeholder: 'reason (kept in the ledger)' });
  const grant = h('form', { class: 'filters', id: 'grant-form' }, h('label', {}, 'amount', amount),
    h('label', {}, 'reason', reason), h('button', { type: 'submit', id: 'grant-submit' }, 'Grant'));
  grant.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      // A JSON number (the API takes no strings for amounts); what is not a number goes as typed, for the API's 400.
      const typed = amount.value.trim();
      const value = typed === '' ? NaN : Number(typed);
      await api('/v1/admin/credits/grants', { method: 'POST', body: { user_id: userId,
        amount: Number.isFinite(value) ? value : typed, reason: reason.value.trim(), idempotency_key: grantKey } });
      await renderAccount(container, userId);
      document.getElementById('grant-message').replaceChildren(notice('Granted.', 'ok'));
    } catch (error) {
      message.replaceChildren(notice(error.message, 'error'));
    }
  });
  const spends = ledger.items.filter(entry => entry.type === 'spend');
  const refundOf = h('select', { id: 'refund-entry' }, spends.map(entry =>
    h('option', { value: entry.id }, `${short(entry.task_id)}: ${entry.amount} (${when(entry.created_at)})`)));
  const refundReason = h('input', { id: 'refund-reason', size: 30, placeholder: 'reason' });
  const refund = h('form', { class: 'filters', id: 'refund-form' }, h('label', {}, 'spend', refundOf),
    h('label', {}, 'reason', refundReason), h('button', { type: 'submit', class: 'secondary' }, 'Refund in full'));
  refund.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await api('/v1/admin/credits/refunds', { method: 'POST', body: { ledger_entry_id: refundOf.value, reason: refundReason.value.trim() } });
      await renderAccount(container, userId);
      document.getElementById('grant-message').replaceChildren(notice('Refunded.', 'ok'));
    } catch (error) {
      message.replaceChildren(notice(error.message, 'error'));
    }
  });
  const entries = h('div', { id: 'ledger' });
  const more = h('button', { class: 'secondary', hidden: true }, 'More');
  const rows = [...ledger.items];
  const renderLedger = next => {
    entries.replaceChildren(table([
      ['When', e => when(e.created_at)], ['Type', e => e.type], ['Amount', e => h('span', { class: 'amount' }, e.amount)],
      ['Task', e => e.task_id ? taskLink(e.task_id) : ''], ['Reason', e => (e.metadata && e.metadata.reason) || ''],
    ], rows));
    more.hidden = !next;
    more.onclick = async () => {
      const page = await api(`/v1/admin/credits/ledger?user_id=${userId}&limit=50&cursor=${encodeURIComponent(next)}`);
      rows.push(...page.items);
      renderLedger(page.next_cursor);
    };
  };
  renderLedger(ledger.next_cursor);
  container.replaceChildren(
    h('h2', {}, 'Account ', h('span', { class: 'mono' }, userId)),
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('div', { class: 'value', id: 'account-balance' }, String(summary.balance)), h('div', { class: 'label' }, 'Balance')),
      h('div', { class: 'card' }, h('div', { class: 'value', id: 'account-ledger-sum' }, String(summary.ledger_sum)), h('div', { class: 'label' }, 'Σ ledger')),
      h('div', { class: `card ${summary.consistent ? '' : 'bad'}` }, h('div', { class: 'value', id: 'account-consistent' },
        summary.consistent ? 'balance = Σ ledger' : 'MISMATCH'), h('div', { class: 'label' }, `${summary.entries} entries`))),
    message, h('div', { class: 'panel' }, grant, spends.length ? refund : null), entries, h('p', {}, more));
}

async function storagePage() {
  const [buckets, usage] = await Promise.all([api('/v1/admin/storage/buckets'), api('/v1/admin/storage/usage?limit=50')]);
  show(h('h1', {}, 'Storage'),
    h('div', { id: 'buckets' }, table([['Bucket', b => b.bucket], ['Objects', b => b.objects], ['Bytes', b => bytes(b.bytes)],
      ['Pending uploads', b => b.pending]], buckets.buckets)),
    h('h2', {}, 'Biggest users'),
    h('div', { id: 'usage' }, table([
      ['User', u => userLink(u.user_id)], ['Objects', u => u.objects], ['Used', u => bytes(u.bytes)],
      ['Quota', u => {
        const share = u.quota_bytes ? Math.min(1, u.bytes / u.quota_bytes) : 0;
        return h('div', { class: `meter ${share >= 0.9 ? 'full' : ''}`, title: `${Math.round(share * 100)}% of ${bytes(u.quota_bytes)}` },
          h('span', { style: `width:${(share * 100).toFixed(1)}%` }));
      }],
    ], usage.items)));
}

// ---------------------------------------------------------------------------------------------------
// Routing: #/page[/id][?query]

async function route() {
  // A sign-in link opened in a tab that shows the console already changes only the fragment.
  adoptTokenFromFragment();
  leaving();
  leaving = () => {};
  const token = currentToken();
  const who = document.getElementById('who');
  const signOutButton = document.getElementById('sign-out');
  if (!token) {
    who.textContent = '';
    signOutButton.hidden = true;
    return signInPage(sessionStorage.getItem(TOKEN_KEY) ? 'Your session has ended; sign in again.' : null);
  }
  const payload = claims(token);
  who.textContent = payload.email || payload.sub;
  signOutButton.hidden = false;
  const [path, query] = location.hash.slice(1).split('?');
  const [, name = 'overview', id] = (path || '/overview').split('/');
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', link.dataset.page === name);
  const params = new URLSearchParams(query || '');
  const pages = {
    overview: () => overviewPage(),
    tasks: () => id ? taskPage(id) : tasksPage(params),
    fleet: () => fleetPage(),
    credits: () => creditsPage(id),
    storage: () => storagePage(),
  };
  try {
    await (pages[name] || pages.overview)();
  } catch (error) {
    failed(error);
  }
}

document.getElementById('sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', route);
route();
