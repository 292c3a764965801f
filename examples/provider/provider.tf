terraform {
  required_providers {
    microseg = {
      source  = "terraform.local/microseg/microseg"
      version = "~> 0.1"
    }
  }
}

# Every setting also comes from the environment: MICROSEG_ENDPOINT, MICROSEG_TOKEN, ...
provider "microseg" {
  endpoint = "http://127.0.0.1:7480"
  timeout  = "2m"
}
