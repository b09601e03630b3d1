-- pyexplain for Neovim 0.11+: put this folder on 'runtimepath' (or copy this
-- file to ~/.config/nvim/lsp/pyexplain.lua), then call vim.lsp.enable('pyexplain').
return {
  cmd = { 'pyexplain', 'serve' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' },
  -- Settings, as in [tool.pyexplain] (camelCase keys also accepted).
  init_options = { pyexplain = {} },
}
