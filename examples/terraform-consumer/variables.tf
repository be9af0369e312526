variable "name" {
  type        = string
  description = "Prefix of every name."
  default     = "consumer"
}

variable "region" {
  type        = string
  description = "The AWS region."
  default     = "eu-west-1"
}

variable "availability_zones" {
  type        = list(string)
  description = "Two zones of the region: a public and a private subnet in each. The first hosts the pinned database."
  default     = ["eu-west-1a", "eu-west-1b"]
}
