-- pyexplain for Neovim 0.11+ (vim.lsp.config / vim.lsp.enable).
-- Put this file at ~/.config/nvim/lsp/pyexplain.lua (or this folder on
-- 'runtimepath'), then call vim.lsp.enable('pyexplain') in your init.lua.
-- Needs `pyexplain` on PATH; otherwise change cmd to the binary's full path.
--
-- Settings: the camelCase keys of [tool.pyexplain], which they override field
-- by field, e.g. in init.lua:
--   vim.lsp.config('pyexplain', { init_options = { pyexplain = {
--     ignore = { 'range-len-loop' }, hover = { verbosity = 'full' } } } })
---@type vim.lsp.Config
return {
  cmd = { 'pyexplain', 'serve' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' },
}
