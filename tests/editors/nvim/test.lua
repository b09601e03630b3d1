-- Drives a real headless Neovim (0.7 to 0.11) against `pyexplain serve`:
-- sets the client up the way the README says, opens the fixture, waits for
-- diagnostics, reads the hover on `yield` (through the LSP request and in the
-- real float from vim.lsp.buf.hover), applies the range-len-loop quick fix
-- through vim.lsp.buf.code_action and checks the buffer.
--
-- nvim --headless --clean -c 'luafile tests/editors/nvim/test.lua'
-- Environment: PYEXPLAIN_SETUP = 'enable' (editors/neovim/lsp/pyexplain.lua with
-- vim.lsp.enable, 0.11+) or a README snippet name ('nvim-0.8', 'nvim-0.7');
-- PYEXPLAIN_REPO (the repository), PYEXPLAIN_FILE (a copy of the fixture to edit),
-- PYEXPLAIN_RESULT (a JSON file the results go to). `pyexplain` must be on PATH.
-- Exits 0 when every check passes, 1 otherwise.

local setup = assert(os.getenv('PYEXPLAIN_SETUP'), 'PYEXPLAIN_SETUP')
local repo = assert(os.getenv('PYEXPLAIN_REPO'), 'PYEXPLAIN_REPO')
local file = assert(os.getenv('PYEXPLAIN_FILE'), 'PYEXPLAIN_FILE')
local result_path = assert(os.getenv('PYEXPLAIN_RESULT'), 'PYEXPLAIN_RESULT')

local EXPLANATION = 'is a generator function' -- only our hover on `yield` says this
local FIX_TITLE = 'Iterate over the sequence directly (range-len-loop)'

local result = { setup = setup, nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch), checks = {} }
local failed = false

local function finish()
  local f = io.open(result_path, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  for _, c in ipairs(result.checks) do
    io.stdout:write(string.format('%s %s%s\n', c.ok and 'PASS' or 'FAIL', c.name, c.detail and (': ' .. c.detail) or ''))
  end
  io.stdout:write(string.format('nvim %s (%s): %s\n', result.nvim, setup, failed and 'FAILED' or 'passed'))
  vim.cmd(failed and 'cquit 1' or 'qall!')
end

local function check(name, ok, detail)
  table.insert(result.checks, { name = name, ok = ok and true or false, detail = detail })
  if not ok then
    failed = true
  end
  return ok
end

local function fatal(name, detail)
  error(name .. ': ' .. tostring(detail), 0)
end

local function read(path)
  local f = assert(io.open(path, 'r'))
  local s = f:read('*a')
  f:close()
  return s
end

local function main()
-- 1. The user's configuration.
if setup == 'enable' then
  vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
  vim.lsp.enable('pyexplain')
else
  -- The README block that follows `<!-- snippet: NAME ... -->`, run as it is.
  local readme = read(repo .. '/editors/neovim/README.md')
  local marker = '<!-- snippet: ' .. setup
  local at = readme:find(marker, 1, true)
  if not at then
    fatal('README snippet ' .. setup, 'marker not found')
  end
  local code = readme:match('```lua\n(.-)\n```', at)
  local chunk, err = loadstring(code, 'README ' .. setup)
  if not chunk then
    fatal('README snippet ' .. setup .. ' compiles', err)
  end
  chunk()
end

-- 2. Open the fixture: the FileType autocommand starts and attaches the server.
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
check('filetype is python', vim.bo[buf].filetype == 'python', vim.bo[buf].filetype)

local function our_client()
  -- 0.10+: get_clients{bufnr=}; 0.7: buf_get_clients(bufnr), keyed by client id.
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
  for _, c in pairs(clients or {}) do
    if c.name == 'pyexplain' then
      return c
    end
  end
end

local client
vim.wait(15000, function()
  client = our_client()
  return client ~= nil and client.initialized ~= false
end, 50)
if not check('client attached', client ~= nil) then
  fatal('client attached', 'no pyexplain client on the buffer')
end
vim.wait(5000, function()
  return client.server_capabilities ~= nil or client.resolved_capabilities ~= nil
end, 50)
result.position_encoding = client.offset_encoding

-- 3. Diagnostics.
local diags = {}
vim.wait(15000, function()
  diags = vim.diagnostic.get(buf)
  return #diags > 0
end, 50)
local loop_diag
for _, d in ipairs(diags) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  if code == 'range-len-loop' then
    loop_diag = d
  end
end
result.diagnostics = vim.tbl_map(function(d)
  return { lnum = d.lnum, col = d.col, message = d.message, source = d.source }
end, diags)
check('range-len-loop diagnostic on the for line', loop_diag ~= nil and loop_diag.lnum == 4, vim.inspect(result.diagnostics))

-- 4. Hover on `yield`.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local yield_line, yield_col
for i, l in ipairs(lines) do
  local c = l:find('yield', 1, true)
  if c then
    yield_line, yield_col = i - 1, c - 1
  end
end
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = yield_line, character = yield_col } }
local resp
if vim.fn.has('nvim-0.11') == 1 then
  resp = client:request_sync('textDocument/hover', params, 10000, buf)
else
  resp = client.request_sync('textDocument/hover', params, 10000, buf)
end
local hover_md = resp and resp.result and resp.result.contents and resp.result.contents.value or ''
result.hover_request = hover_md
check('hover request on yield explains generators', hover_md:find(EXPLANATION, 1, true) ~= nil, hover_md:sub(1, 200))

-- The real float, as K shows it.
vim.api.nvim_win_set_cursor(0, { yield_line + 1, yield_col })
vim.lsp.buf.hover()
local float_text
vim.wait(10000, function()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      float_text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n')
      return true
    end
  end
  return false
end, 50)
result.hover_float = float_text
check('hover float on yield shows the explanation', float_text ~= nil and float_text:find(EXPLANATION, 1, true) ~= nil, float_text and float_text:sub(1, 200) or 'no float')
-- Close the float (moving the cursor closes it; be explicit).
for _, w in ipairs(vim.api.nvim_list_wins()) do
  if vim.api.nvim_win_get_config(w).relative ~= '' then
    vim.api.nvim_win_close(w, true)
  end
end

-- 5. The quick fix, through Neovim's code-action menu (vim.ui.select, as a user picks a row).
local offered = {}
vim.ui.select = function(items, opts, on_choice)
  local pick
  for i, item in ipairs(items) do
    local action = item.action or item[2] -- 0.10+: {action=, ctx=}; older: {client_id, action}
    table.insert(offered, action.title)
    if action.title == FIX_TITLE and not pick then
      pick = i
    end
  end
  if pick then
    on_choice(items[pick], pick)
  else
    on_choice(nil, nil)
  end
end
local for_line = loop_diag and loop_diag.lnum or 4
vim.api.nvim_win_set_cursor(0, { for_line + 1, (lines[for_line + 1]:find('range', 1, true) or 1) - 1 })
vim.lsp.buf.code_action()
local want = { '    for x in xs:', '        yield x * x' }
local got
vim.wait(10000, function()
  got = vim.api.nvim_buf_get_lines(buf, 4, 6, false)
  return got[1] == want[1] and got[2] == want[2]
end, 50)
result.code_actions = offered
result.after_fix = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
check('quick fix offered in the menu', vim.tbl_contains(offered, FIX_TITLE), vim.inspect(offered))
check('quick fix rewrote the loop', got[1] == want[1] and got[2] == want[2], vim.inspect(got))

-- 6. After the edit the server re-checks: the diagnostic goes away.
local left
vim.wait(10000, function()
  left = vim.diagnostic.get(buf)
  return #left == 0
end, 50)
check('diagnostic cleared after the fix', #left == 0, vim.inspect(vim.tbl_map(function(d) return d.message end, left)))
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  check('test ran to the end', false, tostring(err))
end
finish()
