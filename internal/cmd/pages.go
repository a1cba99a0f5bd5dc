package cmd

import "github.com/gogf/gf/v2/net/ghttp"

// pageRoutes serves the browser UI and its static assets.
func (a *app) pageRoutes(s *ghttp.Server) {}
